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

/** What a rule sees of one event: which trigger (type + parameters) fired, and its payload. */
export interface TriggerEvent {
  trigger: { type: string; parameters?: JsonObject };
  /** StackStorm stores `payload or {}`; `null` is accepted and read as `{}`. */
  payload: JsonObject | null;
}
