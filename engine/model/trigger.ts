import type { JsonObject } from './json.js';

/** A trigger type (StackStorm's TriggerTypeAPI shape): what can happen, with its schemas. */
export interface TriggerType {
  ref: string; // <pack>.<name>
  uid: string; // trigger_type:<pack>:<name>
  pack: string;
  name: string;
  description: string;
  /** JSON schema of the parameters a rule gives (`trigger.parameters`); empty when it takes none. */
  parameters_schema: JsonObject;
  /** JSON schema of the payload a trigger instance carries. */
  payload_schema: JsonObject;
  tags?: string[];
}

/** A trigger type a pack declares, as stored (the catalog keys items by id and ref). */
export interface PackTriggerType extends TriggerType {
  id: string;
  metadata_file?: string;
}

/** What a rule sees of one event: which trigger (type + parameters) fired, and its payload. */
export interface TriggerEvent {
  trigger: { type: string; parameters?: JsonObject };
  /** StackStorm stores `payload or {}`; `null` is accepted and read as `{}`. */
  payload: JsonObject | null;
}

/** Where a trigger instance is in the rules engine: stored `pending`, claimed `processing`, then done. */
export type TriggerInstanceStatus = 'pending' | 'processing' | 'processed' | 'processing_failed';

/**
 * One event that happened (StackStorm's TriggerInstanceAPI shape plus Squall's `parameters`,
 * `trace_tag` and `updated_at`). It is stored before anything acts on it: the audit trail, and
 * the unit of work the rules engine consumes.
 */
export interface TriggerInstance {
  id: string;
  /** The trigger's ref: its type's ref (`core.st2.webhook`, `<pack>.<name>`). */
  trigger: string;
  /** The trigger's parameters (a webhook's `url`, a timer's `unit`/`delta`): they pick the rules that see it. */
  parameters: JsonObject;
  payload: JsonObject;
  /** ISO time the event happened. */
  occurrence_time: string;
  status: TriggerInstanceStatus;
  /** Shared by the instance, the enforcements and the executions started from it. */
  trace_tag: string;
  /** ISO time of the last status change; the recovery sweep finds stale instances by it. */
  updated_at: string;
}
