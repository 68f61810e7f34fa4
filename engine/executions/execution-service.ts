import type { ActionRequester } from '../auth/action-policy.js';
import type { NotifySpec } from '../model/action.js';
import type { Execution, ExecutionContext } from '../model/execution.js';
import type { JsonObject } from '../model/json.js';

export interface RequestExecutionInput {
  /** Action ref (`pack.name`) or id. */
  action: string;
  parameters?: Record<string, unknown>;
  /** Who asked and from where; `user` is required. */
  context: ExecutionContext;
  /** Overrides the action's own notify (chat routes add theirs). */
  notify?: NotifySpec;
  /**
   * The new execution's id, for callers that must create it at most once (the rules engine derives
   * it from the trigger instance and the rule): a second request with the id fails with SQ_CONFLICT.
   * @default a new id
   */
  id?: string;
  /** Parent execution id (workflows, re-runs keep their own). */
  parent?: string;
  /**
   * The caller adds the new execution to the parent's `children` itself, with others at once (the
   * workflow engine, per step): appending one at a time rewrites the parent once per child. @default false
   */
  parentLinkedByCaller?: boolean;
  /**
   * Cast string values to the declared parameter types (chat and CLI `key=value` input).
   * API callers send JSON and get strict type checks. @default false
   */
  castStrings?: boolean;
  /**
   * Parameter names that came from chat text. They may only name parameters the action itself
   * declares: runner parameters it merely inherits (`env`, `cwd`, `sudo`, `kwarg_op`, ...) are not
   * for chat users to set, since an alias's `permissions` and `channels` must not be bypassable by
   * adding `env=...` to a harmless command.
   */
  chatKeys?: readonly string[];
  /**
   * The API caller or chat user asking, checked against the roles' action allow/deny lists
   * (`auth.roles.<role>.actions`) before anything is stored. Absent only for the engine's own
   * requests (a workflow's tasks, a rule's action), which are not a user asking now.
   */
  requestedBy?: ActionRequester;
  /**
   * Milliseconds to wait before scheduling (StackStorm's `delay`; a retry policy's delay): the
   * execution is stored `delayed` and the scheduler's policy sweep requests it when due.
   */
  delay?: number;
}

/**
 * The execution lifecycle as the API, the CLI and the chat router see it. Implementations store an
 * execution before queueing it, so an accepted request is never lost.
 */
export interface ExecutionService {
  /**
   * Validates the action and parameters, stores the execution as `requested`, then publishes it.
   * Throws SquallError: SQ_ACTION_NOT_FOUND, SQ_ACTION_DISABLED, SQ_FORBIDDEN (the requester's roles
   * may not run the action), SQ_PARAMETER_INVALID (message names the parameter and what was wrong).
   */
  request(input: RequestExecutionInput): Promise<Execution>;
  /**
   * Cancels: `requested`/`scheduled` go straight to `canceled`; `running` goes to `canceling` and the
   * runner kills the process group. Throws SQ_EXECUTION_NOT_FOUND or SQ_EXECUTION_NOT_CANCELABLE.
   */
  cancel(id: string, user: string): Promise<Execution>;
  /**
   * Pauses a workflow: `running` → `pausing`; its running tasks finish, nothing new starts, and it
   * becomes `paused`. Throws SQ_EXECUTION_NOT_FOUND, SQ_BAD_REQUEST (its runner cannot pause),
   * SQ_CONFLICT (not running).
   */
  pause(id: string, user: string): Promise<Execution>;
  /** Resumes a `paused` or `pausing` workflow (`resuming`, then `running`). Throws as `pause`. */
  resume(id: string, user: string): Promise<Execution>;
  /**
   * A new execution of the same action with the same parameters, `parameters` merged over them.
   * Secret parameters are reused only when `user` is the original execution's user and
   * `maySeeSecrets` (the caller holds `execution:show_secrets`); otherwise each secret the original
   * set must be given again, or the re-run is refused with SQ_PARAMETER_INVALID naming it.
   */
  rerun(
    id: string,
    opts: {
      user: string;
      parameters?: Record<string, unknown>;
      castStrings?: boolean;
      /** The caller may see secret values. @default false */
      maySeeSecrets?: boolean;
      /** Checked against the action allow/deny lists as for `request`. */
      requestedBy?: ActionRequester;
      /**
       * A completed workflow runs again from these tasks, reusing the other tasks' results (st2's
       * `tasks`); SQ_BAD_REQUEST when the execution is not a completed workflow or a task never ran.
       */
      tasks?: string[];
      /** With-items tasks among `tasks` whose items all run again (st2's `reset`). */
      reset?: string[];
      /**
       * A retry policy's re-run: the original's whole context plus these keys (instead of a new
       * context with `re_run`), the given id and delay (see `request`).
       */
      retry?: { id: string; context: Record<string, unknown>; delay: number };
    },
  ): Promise<Execution>;
  /**
   * The execution's parameters with its secret values in clear: stored executions hold them sealed.
   * For what runs it (the runner, the workflow engine) and `show_secrets`; never for output.
   * @throws SquallError SQ_DATASTORE_DECRYPT when a sealed value does not open (another key)
   */
  parametersOf(e: Execution): JsonObject;
  /** Resolves when the execution reaches a terminal state (or after `timeoutMs`, with its current state). */
  waitForTerminal(id: string, timeoutMs?: number): Promise<Execution | undefined>;
}
