import type { PurgeRequest } from '../store/purge.js';
import type { Store } from '../store/store.js';

/**
 * What the garbage collector can delete: one row per kind of record, named by its `gc.<key>`
 * setting in squall.yaml (a new row adds its key to `gcSchema` in engine/config/config-schema.ts). A repo that keeps records for a while adds a row (and a `purge` method
 * honouring PurgeRequest). Each repo's purge decides what is never deleted (executions and output
 * under way, trigger instances the rules engine still owes).
 */
export interface GcCollection {
  readonly key: string;
  /** What is deleted, for reports: `executions (with their output)`. */
  readonly label: string;
  /** Retention when squall.yaml says nothing, in ms; absent: kept forever. */
  readonly defaultMs?: number;
  purge(store: Store, req: PurgeRequest): Promise<number>;
}

const DAY = 86_400_000;

export const GC_COLLECTIONS: readonly GcCollection[] = [
  {
    key: 'executions',
    label: 'finished executions, with their output',
    purge: (store, req) => store.executions.purge(req),
  },
  {
    key: 'action_output',
    label: 'output of finished executions',
    // StackStorm keeps execution output a week unless told otherwise, and so does Squall.
    defaultMs: 7 * DAY,
    purge: (store, req) => store.output.purge(req),
  },
  {
    key: 'trigger_instances',
    label: 'handled trigger instances',
    purge: (store, req) => store.triggerInstances.purge(req),
  },
  {
    key: 'rule_enforcements',
    label: 'rule enforcements',
    purge: (store, req) => store.ruleEnforcements.purge(req),
  },
  {
    key: 'inquiries',
    label: 'answered, timed-out or canceled inquiries',
    purge: (store, req) => store.inquiries.purge(req),
  },
  {
    key: 'events',
    label: 'stream events (resume window of Last-Event-ID)',
    defaultMs: DAY,
    purge: (store, req) => store.events.purge(req),
  },
];
