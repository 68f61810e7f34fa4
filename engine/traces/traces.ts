import type { Execution } from '../model/execution.js';
import type { JsonObject } from '../model/json.js';
import type { TriggerInstance } from '../model/trigger.js';
import type { Store } from '../store/store.js';

/** One step of a trace, in StackStorm's TraceComponent shape. */
export interface TraceComponent {
  object_id: string;
  /** The trigger's ref, the rule's ref, or the action's ref. */
  ref: string;
  updated_at: string;
  /** What caused it: `{type: 'action_execution', id}` for an action trigger or a child, `{type: 'rule', id: '<rule id>:<trigger instance id>'}` for a rule's execution. */
  caused_by: JsonObject;
}

/** StackStorm's TraceAPI shape. */
export interface Trace {
  /** The trace's first trigger instance (or, without one, its first execution). */
  id: string;
  trace_tag: string;
  trigger_instances: TraceComponent[];
  rules: TraceComponent[];
  action_executions: TraceComponent[];
  start_timestamp: string;
}

const MAX_INSTANCES = 1000;
const MAX_EXECUTIONS = 1000;

function causeOf(t: TriggerInstance): JsonObject {
  const execution = t.payload.execution_id;
  // The notifier's action and notify triggers are caused by the execution that finished.
  return typeof execution === 'string' && t.trigger.startsWith('core.st2.generic.')
    ? { type: 'action_execution', id: execution }
    : {};
}

/**
 * A trace, derived from what the rules engine stores rather than kept as a record of its own: the
 * trigger instances carrying the tag (indexed), their rule enforcements, the executions those
 * started, and those executions' children. An execution's actiontrigger carries the execution's tag,
 * so a chain of rules is one trace.
 */
export async function buildTrace(store: Store, traceTag: string): Promise<Trace | undefined> {
  const instances = (await store.triggerInstances.list({ traceTag, order: 'asc', limit: MAX_INSTANCES })).items;
  const rules: TraceComponent[] = [];
  const executions: TraceComponent[] = [];
  const queue: { id: string; cause: JsonObject }[] = [];
  for (const t of instances) {
    const enforcements = (await store.ruleEnforcements.list({ triggerInstance: t.id, order: 'asc', limit: 1000 }))
      .items;
    for (const e of enforcements) {
      rules.push({
        object_id: e.rule.id,
        ref: e.rule.ref,
        updated_at: e.enforced_at,
        caused_by: { type: 'trigger_instance', id: t.id },
      });
      if (e.execution_id) queue.push({ id: e.execution_id, cause: { type: 'rule', id: `${e.rule.id}:${t.id}` } });
    }
  }
  // The executions whose end emitted an instance of this trace belong to it (an API or chat execution's own trace).
  for (const t of instances) {
    const cause = causeOf(t);
    if (cause.type === 'action_execution') queue.push({ id: String(cause.id), cause: {} });
  }
  const byId = await walkExecutions(store, queue, executions);
  const first = instances[0];
  const firstExecution = executions[0];
  if (!first && !firstExecution) return undefined;
  return {
    id: first ? first.id : (firstExecution as TraceComponent).object_id,
    trace_tag: traceTag,
    trigger_instances: instances.map((t) => ({
      object_id: t.id,
      ref: t.trigger,
      updated_at: t.updated_at,
      caused_by: causeOf(t),
    })),
    rules,
    action_executions: executions,
    start_timestamp: first ? first.occurrence_time : (byId.get(firstExecution?.object_id ?? '')?.start_timestamp ?? ''),
  };
}

/** Follows executions and their children breadth first, adding each as a component. */
async function walkExecutions(
  store: Store,
  queue: { id: string; cause: JsonObject }[],
  executions: TraceComponent[],
): Promise<Map<string, Execution>> {
  const seen = new Set<string>();
  const byId = new Map<string, Execution>();
  while (queue.length > 0 && seen.size < MAX_EXECUTIONS) {
    const next = queue.shift() as { id: string; cause: JsonObject };
    if (seen.has(next.id)) continue;
    seen.add(next.id);
    const e = await store.executions.get(next.id);
    if (!e) continue;
    byId.set(e.id, e);
    executions.push({ object_id: e.id, ref: e.action.ref, updated_at: e.updated_at, caused_by: next.cause });
    for (const child of e.children) queue.push({ id: child, cause: { type: 'action_execution', id: e.id } });
  }
  return byId;
}

/**
 * The trace of an execution no event started (chat, the API, a workflow's root): the execution and
 * its children, under its own tag or `execution-<id>`. StackStorm gives every execution a trace.
 */
export async function buildExecutionTrace(
  store: Store,
  executionId: string,
  /** The tag the execution was given (the API's `trace_context`), if any. */
  traceTag?: string,
): Promise<Trace | undefined> {
  const executions: TraceComponent[] = [];
  const byId = await walkExecutions(store, [{ id: executionId, cause: {} }], executions);
  const root = byId.get(executionId);
  if (!root) return undefined;
  return {
    id: root.id,
    trace_tag: traceTag ?? `execution-${root.id}`,
    trigger_instances: [],
    rules: [],
    action_executions: executions,
    start_timestamp: root.start_timestamp,
  };
}

/** The trace tag an execution belongs to: its own, or its root parent's (a workflow's children). */
export async function traceTagOfExecution(store: Store, id: string): Promise<string | undefined> {
  let e = await store.executions.get(id);
  for (let depth = 0; e && depth < 100; depth++) {
    const tag = e.context.trace_context?.trace_tag;
    if (tag) return tag;
    const parent = e.parent ?? e.context.parent?.execution_id;
    e = parent ? await store.executions.get(parent) : undefined;
  }
  return undefined;
}

const EXECUTION_TAG = /^execution-([0-9a-f]{24})$/;

/** The trace with this tag: an event's, or `execution-<id>` for an execution no event started. */
export async function traceByTag(store: Store, tag: string): Promise<Trace | undefined> {
  const own = EXECUTION_TAG.exec(tag);
  return (await buildTrace(store, tag)) ?? (own ? buildExecutionTrace(store, own[1] as string) : undefined);
}

/** The trace an execution is in: its event's, else its root execution's own. */
export async function traceOfExecution(store: Store, id: string): Promise<Trace | undefined> {
  const tag = await traceTagOfExecution(store, id);
  const byEvent = tag ? await buildTrace(store, tag) : undefined;
  if (byEvent) return byEvent;
  let root = await store.executions.get(id);
  for (let depth = 0; root && depth < 100; depth++) {
    const parent = root.parent ?? root.context.parent?.execution_id;
    const up = parent ? await store.executions.get(parent) : undefined;
    if (!up) break;
    root = up;
  }
  return root ? buildExecutionTrace(store, root.id, tag) : undefined;
}

/** The trace a trace id names: the id of its first trigger instance, or of an execution in it. */
export async function traceOfId(store: Store, id: string): Promise<Trace | undefined> {
  const t = await store.triggerInstances.get(id);
  if (t) return buildTrace(store, t.trace_tag);
  return traceOfExecution(store, id);
}

/** Recent traces, newest first: the distinct tags of the latest 10,000 trigger instances. */
export async function recentTraceTags(store: Store): Promise<string[]> {
  const tags: string[] = [];
  const seen = new Set<string>();
  const page = 500;
  for (let at = 0; at < 20 * page; at += page) {
    const items = (await store.triggerInstances.list({ order: 'desc', limit: page, offset: at })).items;
    for (const t of items) {
      if (seen.has(t.trace_tag)) continue;
      seen.add(t.trace_tag);
      tags.push(t.trace_tag);
    }
    if (items.length < page) break;
  }
  return tags;
}
