import type { JsonObject } from './json.js';

export interface AliasFormatObject {
  display?: string;
  representation?: string[] | string;
  match_multiple?: boolean;
}
export type AliasFormat = string | AliasFormatObject;

/** An action alias (StackStorm's ActionAliasAPI shape) plus Squall's `permissions` and `channels`. */
export interface ActionAlias {
  id: string;
  uid: string; // action_alias:<pack>:<name>
  ref: string; // <pack>.<name>
  pack: string;
  name: string;
  description?: string;
  enabled: boolean;
  action_ref: string;
  formats: AliasFormat[];
  ack?: { enabled?: boolean; format?: string; append_url?: boolean; extra?: JsonObject };
  result?: { enabled?: boolean; format?: string; extra?: JsonObject };
  extra?: JsonObject;
  immutable_parameters?: JsonObject;
  /** Who may run it: Squall user names and/or roles. Absent means anyone who may run the action. */
  permissions?: { users?: string[]; roles?: string[] };
  /** Where it may run: channel ids or names, or `dm` for direct messages. Absent means everywhere. */
  channels?: string[];
  metadata_file?: string;
}
