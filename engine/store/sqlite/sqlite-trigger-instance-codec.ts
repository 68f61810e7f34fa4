import {
  ACTION_TRIGGER,
  ACTION_TRIGGER_PAYLOAD_KEYS,
  type ActionTriggerFields,
  actionTriggerFields,
  actionTriggerId,
  actionTriggerPayload,
} from '../../model/action-trigger.js';
import type { Execution, ExecutionStatus } from '../../model/execution.js';
import type { JsonObject, JsonValue } from '../../model/json.js';
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
 * An instance as read from its row. When `ref` is set, the payload holds only `execution_id` and
 * `parameters` of an actiontrigger payload, and the rest is that execution's own (see withExecution).
 */
export interface DecodedInstance {
  instance: TriggerInstance;
  ref?: string;
}

/**
 * Statuses whose execution never changes what an actiontrigger payload shows of it afterwards. Not
 * `abandoned`: the sweeper records in its result what became of its processes once they are stopped.
 */
const SETTLED: ReadonlySet<ExecutionStatus> = new Set<ExecutionStatus>(['succeeded', 'failed', 'timeout', 'canceled']);

/**
 * The execution an instance's payload may refer to: the notifier's actiontrigger for it (its id
 * derived from the execution's, its payload in the notifier's shape and order).
 */
export function referredExecution(t: TriggerInstance): string | undefined {
  const p = t.payload;
  const keys = Object.keys(p);
  if (t.trigger !== ACTION_TRIGGER || keys.length !== ACTION_TRIGGER_PAYLOAD_KEYS.length) return undefined;
  if (keys.some((k, i) => k !== ACTION_TRIGGER_PAYLOAD_KEYS[i] || p[k] === undefined)) return undefined;
  if (typeof p.execution_id !== 'string') return undefined;
  return t.id === actionTriggerId(p.execution_id) ? p.execution_id : undefined;
}

/** Whether the payload's execution fields are, to the letter, what the (settled) execution `e` holds. */
export function payloadIsExecutions(t: TriggerInstance, e: Execution): boolean {
  if (!SETTLED.has(e.status)) return false;
  return Object.entries(actionTriggerFields(e)).every(([k, v]) => JSON.stringify(t.payload[k]) === JSON.stringify(v));
}

/** Whether `f` are an execution's fields small enough to keep in memory a while. */
export function smallFields(f: ActionTriggerFields): boolean {
  return JSON.stringify(f.result).length <= 4096;
}

/**
 * The document stored for an instance: everything but the fields its columns hold, and `parameters`
 * only when there are some (most triggers take none). `trace_tag` stays (the trigger_instances_trace
 * index reads it from the document). `byRef`: the payload's execution fields are left out and read
 * from the execution (`payload_ref` instead of `payload` says so).
 */
export function instanceDoc(t: TriggerInstance, byRef = false): string {
  const { id: _id, trigger: _trigger, status: _status, occurrence_time: _at, updated_at: _updated, ...rest } = t;
  const { parameters, payload, ...others } = rest;
  const doc: JsonObject = isEmptyObject(parameters) ? others : { parameters, ...others };
  if (!byRef) doc.payload = payload;
  else doc.payload_ref = { execution_id: payload.execution_id, parameters: payload.parameters } as JsonObject;
  return JSON.stringify(doc);
}

function isEmptyObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}

/**
 * The instance a row holds, its fields in the order the dispatcher gives them (the API returns them
 * so). A row written before the columns were left out of the document (it has `id`) reads as it did:
 * the whole document with the status columns laid over it (status changes write only the columns).
 */
export function decodeInstance(row: InstanceRow): DecodedInstance {
  const doc = JSON.parse(row.doc) as JsonObject;
  if (typeof doc.id === 'string') {
    const t = doc as unknown as TriggerInstance;
    t.status = row.status;
    t.updated_at = row.updated_at;
    return { instance: t };
  }
  const { parameters, payload, payload_ref, trace_tag, ...extra } = doc as unknown as Omit<
    TriggerInstance,
    keyof InstanceRow | 'parameters'
  > & { parameters?: JsonObject; payload_ref?: JsonObject };
  const instance: TriggerInstance = {
    id: row.id,
    trigger: row.trigger,
    parameters: parameters ?? {},
    payload: payload_ref ?? payload,
    occurrence_time: row.occurrence_time,
    status: row.status,
    trace_tag,
    updated_at: row.updated_at,
    ...extra,
  };
  return payload_ref === undefined ? { instance } : { instance, ref: String(payload_ref.execution_id) };
}

/** A decoded instance whose payload refers to an execution, with the payload whole again: `f` are its fields. */
export function withExecution(t: TriggerInstance, f: ActionTriggerFields): TriggerInstance {
  return {
    ...t,
    payload: actionTriggerPayload(t.payload.execution_id as string, f, t.payload.parameters as JsonValue),
  };
}
