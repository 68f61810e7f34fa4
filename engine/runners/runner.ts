import type { Logger } from '../logger.js';
import type { Action, Pack, ParamSpecs } from '../model/action.js';
import type { Execution, OutputStream } from '../model/execution.js';
import type { JsonObject } from '../model/json.js';

/** What a runner gets for one execution. */
export interface RunContext {
  execution: Execution;
  action: Action;
  /** The pack the action belongs to (entry points resolve against `pack.path`). */
  pack: Pack | undefined;
  /** Validated, typed parameters: runner parameters and action parameters merged, secrets in clear. */
  parameters: JsonObject;
  /**
   * Aborted on cancel (`signal.reason === 'cancel'`) or timeout (`'timeout'`). A runner must stop its
   * work (kill the whole process group, close sockets) and resolve promptly.
   */
  signal: AbortSignal;
  /** Timeout in seconds in force for this execution (for messages such as StackStorm's). */
  timeoutS: number;
  /** Streams a piece of output while the action runs; stored in chunks and published live. */
  emit(stream: OutputStream, data: string): void;
  /** Extra environment for child processes (ST2_ACTION_* variables). */
  env: Record<string, string>;
  logger: Logger;
  /**
   * Told the id of each process group the runner starts on this host (a child spawned detached), so
   * that the group can be found and stopped if this process dies without stopping it.
   */
  processGroupStarted?(pgid: number): void;
}

export type RunStatus = 'succeeded' | 'failed' | 'timeout' | 'canceled' | 'abandoned';

/**
 * `running`: the runner handed the execution over to a part of Squall that ends it later (a
 * workflow's engine, on its children's completions); the worker leaves it running.
 * `pending`: it waits for a person (an inquiry); the worker records `pending` with the result so far,
 * and whoever takes the answer ends it.
 */
export type RunHandover = 'running' | 'pending';

export interface RunOutcome {
  status: RunStatus | RunHandover;
  /** StackStorm's result shape for the runner (e.g. `{succeeded, failed, return_code, stdout, stderr}`). */
  result: JsonObject;
}

/**
 * A Runner does the work of one runner type. It never throws for an action's own failure: a
 * non-zero exit or an HTTP 500 is a `failed` outcome. Throwing means the runner itself broke.
 */
export interface Runner {
  /** StackStorm's runner type name, e.g. `local-shell-cmd`. */
  readonly name: string;
  readonly description: string;
  /** Parameters every action of this runner inherits (the action may override default, enum, ...). */
  readonly parameters: ParamSpecs;
  /**
   * Its executions are ended by another part of Squall after `run` hands them over (no runner
   * heart-beats them, so the sweeper leaves them alone), and they can be paused and resumed.
   */
  readonly handsOver?: boolean;
  run(ctx: RunContext): Promise<RunOutcome>;
}
