import type { TriggerInstance, TriggerInstanceStatus } from '../model/trigger.js';
import type { Page } from './page.js';
import type { PurgeRequest } from './purge.js';

export interface TriggerInstanceFilter {
  trigger?: string;
  /** Only the instances of this trace. */
  traceTag?: string;
  status?: TriggerInstanceStatus | readonly TriggerInstanceStatus[];
  /** occurrence_time strictly after / before (ISO). */
  occurredAfter?: string;
  occurredBefore?: string;
  /** updated_at strictly before (ISO): the recovery sweep's stale instances. */
  updatedBefore?: string;
  limit?: number;
  offset?: number;
  /** By occurrence_time, then id. @default 'desc' */
  order?: 'asc' | 'desc';
}

/** Trigger instances: the audit trail of events and the rules engine's durable work list. */
export interface TriggerInstanceRepo {
  /** Stores a new instance. Fails with SQ_CONFLICT when the id exists. */
  create(t: TriggerInstance): Promise<TriggerInstance>;
  get(id: string): Promise<TriggerInstance | undefined>;
  list(filter: TriggerInstanceFilter): Promise<Page<TriggerInstance>>;
  /**
   * Compare-and-set: moves the instance to `status` (stamping updated_at) only while its stored status
   * is one of `expect`; `undefined` when it had moved on (another consumer won), which is not an error.
   */
  setStatus(
    id: string,
    expect: readonly TriggerInstanceStatus[],
    status: TriggerInstanceStatus,
  ): Promise<TriggerInstance | undefined>;
  /**
   * Garbage collection: deletes instances that occurred before `before` and were handled
   * (`processed`, `processing_failed`); pending or processing ones stay, the rules engine owes them.
   */
  purge(req: PurgeRequest): Promise<number>;
}
