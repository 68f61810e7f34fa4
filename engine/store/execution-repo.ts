import type { Execution, ExecutionFilter, ExecutionPatch, ExecutionStatus, NewExecution } from '../model/execution.js';
import type { Page } from './page.js';
import type { PurgeRequest } from './purge.js';

export interface ExecutionRepo {
  /** Stores a new execution. Fails with SQ_CONFLICT when the id exists. */
  create(e: NewExecution): Promise<Execution>;
  get(id: string): Promise<Execution | undefined>;
  list(filter: ExecutionFilter): Promise<Page<Execution>>;
  /**
   * Compare-and-set: applies `patch` only while the stored status is one of `expect.status`.
   * `undefined` means the status had moved on (another worker won the race); that is not an error.
   */
  update(
    id: string,
    cas: { expect: { status: ExecutionStatus | readonly ExecutionStatus[] } },
    patch: ExecutionPatch,
  ): Promise<Execution | undefined>;
  /** Records a heartbeat without a status change; false when the execution is no longer `running`. */
  heartbeat(id: string, at: string): Promise<boolean>;
  /**
   * Garbage collection: deletes terminal executions last changed before `before`, with their output.
   * Never one that is not terminal, nor a child whose parent is not terminal, nor a parent with a
   * child that is not terminal. Returns how many (that would be) deleted.
   */
  purge(req: PurgeRequest): Promise<number>;
  /** Counts executions by status (benchmarks, health, the crash test). */
  countByStatus(): Promise<Partial<Record<ExecutionStatus, number>>>;
}
