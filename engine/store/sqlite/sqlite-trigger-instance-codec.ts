import type { JsonObject } from '../../model/json.js';
import type { TriggerInstance, TriggerInstanceStatus } from '../../model/trigger.js';

/** A trigger_instances row: the columns the store filters and sorts on, and the rest as `doc`. */
export interface InstanceRow {
  id: string;
  trigger: string;
  status: TriggerInstanceStatus;
  occurrence_time: string;
  updated_at: string;
  doc: string;
}

export const INSTANCE_COLUMNS = 'id, trigger, status, occurrence_time, updated_at, doc';

/**
 * The document stored for an instance: everything but the fields its columns hold. `trace_tag` stays
 * (the trigger_instances_trace index reads it from the document).
 */
export function instanceDoc(t: TriggerInstance): string {
  const { id: _id, trigger: _trigger, status: _status, occurrence_time: _at, updated_at: _updated, ...rest } = t;
  return JSON.stringify(rest);
}

/**
 * The instance a row holds, its fields in the order the dispatcher gives them (the API returns them
 * so). A row written before the columns were left out of the document (it has `id`) reads as it did:
 * the whole document with the status columns laid over it (status changes write only the columns).
 */
export function instanceFromRow(row: InstanceRow): TriggerInstance {
  const doc = JSON.parse(row.doc) as JsonObject;
  if (typeof doc.id === 'string') {
    const t = doc as unknown as TriggerInstance;
    t.status = row.status;
    t.updated_at = row.updated_at;
    return t;
  }
  const { parameters, payload, trace_tag, ...extra } = doc as unknown as Omit<TriggerInstance, keyof InstanceRow>;
  return {
    id: row.id,
    trigger: row.trigger,
    parameters,
    payload,
    occurrence_time: row.occurrence_time,
    status: row.status,
    trace_tag,
    updated_at: row.updated_at,
    ...extra,
  };
}
