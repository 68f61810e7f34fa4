import type { ProcessGroupMark } from '../../lib/process-groups.js';
import type { Action, NotifySpec } from './action.js';
import { type ExecutionStatus, TERMINAL_STATUSES } from './execution-status.js';
import type { JsonObject } from './json.js';
import { assertStorableJson } from './json-limits.js';

export { EXECUTION_STATUSES, type ExecutionStatus, TERMINAL_STATUSES } from './execution-status.js';

export const CANCELABLE_STATUSES: readonly ExecutionStatus[] = [
  'requested',
  'delayed',
  'scheduled',
  'running',
  'pending',
  'pausing',
  'paused',
  'resuming',
];
/** Statuses in which something is under way that a cancel must stop (a runner, or a workflow's tasks). */
export const UNDER_WAY_STATUSES: readonly ExecutionStatus[] = ['running', 'pausing', 'paused', 'resuming'];

export function isTerminal(s: ExecutionStatus): boolean {
  return TERMINAL_STATUSES.includes(s);
}

/** Where a chat command came from, so that the ack and result go back to the same thread. */
export interface ChatContext {
  platform: string;
  channel: string;
  thread?: string;
  /** The chat platform's user id. */
  user: string;
  /** Adapter-specific reference (for example the ack message to edit into the result). */
  ack_ref?: JsonObject;
  alias_ref?: string;
}

/**
 * Execution context, as StackStorm records it: who asked (`user`, `api_user` for chat), from where
 * (`source_channel`, `chat`), the parent execution and a trace tag.
 */
export interface ExecutionContext {
  user: string;
  api_user?: string;
  source_channel?: string;
  parent?: { execution_id: string };
  trace_context?: { trace_tag: string };
  action_alias_ref?: { id: string; name: string };
  chat?: ChatContext;
  /** A re-run: the original execution, and for a workflow the tasks it runs again from (st2's shape). */
  re_run?: { ref: string; tasks?: string[]; reset?: string[] };
  cancelled_by?: string;
  [extra: string]: unknown;
}

export interface StatusLogEntry {
  status: ExecutionStatus;
  timestamp: string;
}

/**
 * An execution as stored. Secret parameters are stored sealed (`ExecutionService.parametersOf` opens
 * them for what runs it) and masked on every way out.
 */
export interface Execution {
  id: string;
  action: Action;
  runner_type: string;
  parameters: JsonObject;
  status: ExecutionStatus;
  /** ISO time the execution was requested. */
  start_timestamp: string;
  end_timestamp?: string;
  result?: JsonObject;
  context: ExecutionContext;
  notify?: NotifySpec;
  log: StatusLogEntry[];
  parent?: string;
  children: string[];
  /** Last sign of life from the runner that holds it; the sweeper marks silent ones abandoned. */
  heartbeat_at?: string;
  /** The worker (host:pid) that claimed it. */
  worker?: string;
  /**
   * The process group a local runner started for it (not shown by the API): if the runner dies
   * without stopping it, the sweeper that marks the execution abandoned stops the group.
   */
  process_group?: ProcessGroupMark;
  /** How many times the scheduler has published it; the sweeper increments when it re-publishes. */
  attempts: number;
  /** Per-execution timeout in seconds, resolved when it was requested. */
  timeout_s?: number;
  /** Milliseconds after `start_timestamp` before it may be scheduled (StackStorm's `delay`). */
  delay?: number;
  /** ISO time of the last change. */
  updated_at: string;
}

export type NewExecution = Omit<Execution, 'updated_at' | 'log' | 'children' | 'attempts'> & {
  log?: StatusLogEntry[];
  children?: string[];
  attempts?: number;
};

/** Fields a status transition may set; `log` entries are appended, not replaced. */
export interface ExecutionPatch {
  status?: ExecutionStatus;
  end_timestamp?: string;
  result?: JsonObject;
  heartbeat_at?: string;
  worker?: string;
  attempts?: number;
  context?: ExecutionContext;
  children?: string[];
  process_group?: ProcessGroupMark;
  appendLog?: StatusLogEntry;
}

export interface ExecutionFilter {
  action?: string;
  status?: ExecutionStatus | ExecutionStatus[];
  user?: string;
  /** Children of this execution; `null`: only executions without a parent (StackStorm's `parent=null`). */
  parent?: string | null;
  /** Only executions started after this ISO time (StackStorm's `timestamp_gt`). */
  startedAfter?: string;
  /** Only executions started before this ISO time (`timestamp_lt`). */
  startedBefore?: string;
  /** Only executions updated before this ISO time (sweeper). */
  updatedBefore?: string;
  /** Only executions updated at or after this ISO time (the notifier's sweep). */
  updatedAfter?: string;
  /** Only executions whose heartbeat is older than this ISO time, or missing (sweeper). */
  heartbeatBefore?: string;
  limit?: number;
  offset?: number;
  /** @default 'desc' on start_timestamp */
  order?: 'asc' | 'desc';
}

export type OutputStream = 'stdout' | 'stderr';

export interface OutputChunk {
  /** Monotonic per store; used for paging and for resuming a live tail. */
  seq: number;
  execution_id: string;
  stream: OutputStream;
  data: string;
  timestamp: string;
}

/**
 * A new execution as every store saves it: empty log and children, no attempts yet, stamped now.
 * @throws SquallError SQ_VALIDATION when the parameters or context exceed JSON_LIMITS (naming the path)
 */
export function completeExecution(e: NewExecution, now = new Date().toISOString()): Execution {
  assertStorableJson(e.parameters, 'parameters');
  assertStorableJson(e.context, 'context');
  return { ...e, log: e.log ?? [], children: e.children ?? [], attempts: e.attempts ?? 0, updated_at: now };
}
