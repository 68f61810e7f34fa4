/**
 * The conductor's whole state: plain JSON, so the engine can store it after every event and a
 * restarted process carries on from exactly there.
 */
export interface ConductorState {
  readonly version: 1;
  status: WorkflowStatus;
  /** The caller's inputs as given (data: never evaluated). */
  readonly input: Record<string, unknown>;
  /** Context entries: 0 is the root (parent context, inputs, vars); each publish appends one. */
  contexts: Record<string, unknown>[];
  /** Route 0 is `[]`; a split adds the edge ids that led to it. */
  routes: string[][];
  /** Tasks reached but not started yet (joins wait here until their inbound tasks arrive). */
  staged: StagedTask[];
  /** Task executions in the order they started: the sequence. */
  tasks: TaskRecord[];
  errors: WorkflowError[];
  output: Record<string, unknown> | null;
  outputRendered: boolean;
}

/** Orquesta's workflow statuses that Squall's conductor reaches. */
export type WorkflowStatus =
  | 'requested'
  | 'running'
  | 'pausing'
  | 'paused'
  | 'resuming'
  | 'canceling'
  | 'canceled'
  | 'succeeded'
  | 'failed';

export interface StagedTask {
  readonly id: string;
  readonly route: number;
  /** Context entries the task sees, merged in order. */
  ctxs: number[];
  /** Distinct inbound tasks whose transition was satisfied (what a join counts). */
  arrived: string[];
  ready: boolean;
  /** Set when re-staged by a retry: the sequence entry to reuse, and the delay that overrides the task's. */
  retryOf?: number;
  retryDelay?: number;
  /** In the same `do` as a `fail`: still dispatched while the workflow is failed (orquesta's run_on_fail). */
  runOnFail?: boolean;
}

export interface TaskRecord {
  readonly id: string;
  readonly route: number;
  status: TaskStatus;
  readonly ctxs: number[];
  /** The action result; for with-items the list of item results. */
  result: unknown;
  /** Transition outcomes by edge id (`target__t0`). */
  next: Record<string, boolean>;
  /** Engine commands are pseudo-tasks in the sequence. */
  readonly command?: boolean;
  retry?: { when: string | undefined; count: number; delay: number; tally: number };
  items?: ItemRecord[];
  concurrency?: number | null;
  /** Satisfied edges from this task lead somewhere other than `continue`: a failure is handled. */
  remediated?: boolean;
  terminal?: boolean;
  /** Started by the same `do` as a `fail`: still dispatched while the workflow is failed. */
  runOnFail?: boolean;
}

export type TaskStatus =
  | 'requested'
  | 'running'
  | 'pending'
  | 'paused'
  | 'retrying'
  | 'succeeded'
  | 'failed'
  | 'timeout'
  | 'abandoned'
  | 'canceled';

export interface ItemRecord {
  status: TaskStatus | null;
  result: unknown;
  /** The item as `item()` sees it. */
  readonly value: unknown;
}

/** orquesta's error entry; keys with no value are left out. */
export interface WorkflowError {
  readonly type: 'error';
  readonly message: string;
  readonly task_id?: string;
  readonly route?: number;
  readonly task_transition_id?: string;
  readonly result?: unknown;
}

export const COMPLETED_STATUSES: ReadonlySet<string> = new Set([
  'succeeded',
  'failed',
  'timeout',
  'abandoned',
  'canceled',
]);
export const ABENDED_STATUSES: ReadonlySet<string> = new Set(['failed', 'timeout', 'abandoned']);
export const WORKFLOW_COMPLETED: ReadonlySet<WorkflowStatus> = new Set(['succeeded', 'failed', 'canceled']);
