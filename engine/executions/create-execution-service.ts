import { effectiveSpecs, resolveParameters } from '../actions/parameters.js';
import { renderTemplateDefaults, type TemplateDefaultsSource } from '../actions/template-defaults.js';
import { ActionPolicy } from '../auth/action-policy.js';
import { type Bus, completedMessage } from '../bus/bus.js';
import { SquallError } from '../errors.js';
import { newId } from '../ids.js';
import type { Logger } from '../logger.js';
import type { Action } from '../model/action.js';
import {
  CANCELABLE_STATUSES,
  type Execution,
  isTerminal,
  type NewExecution,
  UNDER_WAY_STATUSES,
} from '../model/execution.js';
import type { JsonObject } from '../model/json.js';
import type { RunnerRegistry } from '../runners/runner-registry.js';
import { isRunnerType, unsupportedRunner } from '../runners/runner-types.js';
import type { Store } from '../store/store.js';
import type { ExecutionService, RequestExecutionInput } from './execution-service.js';
import type { SecretParameters } from './secret-parameters.js';
import { type ExecutionEvents, noExecutionEvents } from './status-events.js';
import { TerminalWaiters } from './terminal-waiters.js';

export interface ExecutionServiceDeps {
  /** What parameter defaults that are templates may read (datastore, pack configs). */
  templateDefaults?: TemplateDefaultsSource;
  store: Store;
  bus: Bus;
  runners: RunnerRegistry;
  logger: Logger;
  /** Seals secret parameter values before they are stored (the datastore's key). */
  secrets: SecretParameters;
  events?: ExecutionEvents;
  /** Broadcast of terminal states, shared with the worker; lets `waitForTerminal` avoid polling. */
  waiters?: TerminalWaiters;
  timeouts: { defaultTimeoutS: number; maxTimeoutS: number };
  /** Which actions each role may run (squall.yaml `auth.roles`). @default every action for every runner role */
  actionPolicy?: ActionPolicy;
}

function now(): string {
  return new Date().toISOString();
}

/** The timeout in force: the action's `timeout` parameter when it has one, else the configured default, capped. */
export function resolveTimeoutS(parameters: JsonObject, t: { defaultTimeoutS: number; maxTimeoutS: number }): number {
  const declared = parameters.timeout;
  const s = typeof declared === 'number' && declared > 0 ? declared : t.defaultTimeoutS;
  return Math.min(s, t.maxTimeoutS);
}

export function createExecutionService(deps: ExecutionServiceDeps): ExecutionService {
  const { store, bus, runners } = deps;
  const events = deps.events ?? noExecutionEvents;
  const waiters = deps.waiters ?? new TerminalWaiters(store);
  const policy = deps.actionPolicy ?? new ActionPolicy();

  async function findAction(refOrId: string): Promise<Action> {
    const action = await store.actions.get(refOrId);
    if (!action) throw new SquallError('SQ_ACTION_NOT_FOUND', `Action "${refOrId}" does not exist.`);
    if (!action.enabled) throw new SquallError('SQ_ACTION_DISABLED', `Action "${action.ref}" is disabled.`);
    return action;
  }

  async function request(input: RequestExecutionInput): Promise<Execution> {
    const action = await findAction(input.action);
    if (input.requestedBy) policy.assert(input.requestedBy, action.ref);
    const runner = runners.get(action.runner_type);
    if (!runner) {
      throw new SquallError(
        'SQ_RUNNER_NOT_FOUND',
        isRunnerType(action.runner_type)
          ? `Action "${action.ref}" uses runner "${action.runner_type}", which this Squall does not have.`
          : `Action "${action.ref}" cannot run: ${unsupportedRunner(action.runner_type)}.`,
      );
    }
    const fromChat = (input.chatKeys ?? []).filter((k) => !(k in action.parameters));
    if (fromChat.length > 0) {
      throw new SquallError(
        'SQ_PARAMETER_INVALID',
        `Invalid parameters for ${action.ref}: ${fromChat.map((k) => `${k}: cannot be set from chat (it is not a parameter of this action)`).join('; ')}`,
        { details: { errors: fromChat.map((k) => ({ parameter: k, problem: 'cannot be set from chat' })) } },
      );
    }
    const given = input.parameters ?? {};
    // Rendered here, once, so executions from chat, the API and rules get the same defaults.
    const specs = await renderTemplateDefaults(effectiveSpecs(runner.parameters, action.parameters), given, {
      source: deps.templateDefaults ?? {},
      pack: action.pack,
      user: input.context.user,
      context: input.context as unknown as JsonObject,
      subject: action.ref,
    });
    const parameters = resolveParameters(specs, given, {
      castStrings: input.castStrings ?? false,
      subject: action.ref,
    });
    const ts = now();
    const context = { ...input.context };
    if (!context.trace_context) context.trace_context = { trace_tag: newId() };
    if (input.parent) context.parent = { execution_id: input.parent };
    const notify = input.notify ?? action.notify;
    const id = input.id ?? newId();
    const delayed = input.delay !== undefined && input.delay > 0;
    const e: NewExecution = {
      id,
      action,
      runner_type: action.runner_type,
      // Secrets are sealed before the store sees them; the runner opens them (parametersOf).
      parameters: deps.secrets.seal(id, specs, parameters),
      status: delayed ? 'delayed' : 'requested',
      start_timestamp: ts,
      context,
      ...(notify ? { notify } : {}),
      ...(input.parent ? { parent: input.parent } : {}),
      log: [
        { status: 'requested', timestamp: ts },
        ...(delayed ? [{ status: 'delayed' as const, timestamp: ts }] : []),
      ],
      timeout_s: resolveTimeoutS(parameters, deps.timeouts),
      ...(delayed ? { delay: input.delay } : {}),
    };
    // Stored before it is queued: if the publish is lost, the sweeper finds it and publishes again.
    const stored = await store.executions.create(e);
    events.created(stored);
    try {
      // A delayed execution is requested by the scheduler's policy sweep once it is due.
      if (!delayed) await bus.publish('execution.requested', { id: stored.id });
    } catch (err) {
      deps.logger.warn('publish failed; the sweeper will re-queue the execution', {
        executionId: stored.id,
        error: (err as Error).message,
      });
    }
    if (input.parent && input.parentLinkedByCaller !== true) {
      const parent = await store.executions.get(input.parent);
      if (parent) {
        await store.executions.update(
          parent.id,
          { expect: { status: parent.status } },
          { children: [...parent.children, stored.id] },
        );
      }
    }
    return stored;
  }

  async function cancel(id: string, user: string): Promise<Execution> {
    // A few attempts: the status may move between our read and the compare-and-set.
    for (let attempt = 0; attempt < 5; attempt++) {
      const e = await store.executions.get(id);
      if (!e) throw new SquallError('SQ_EXECUTION_NOT_FOUND', `Execution "${id}" does not exist.`);
      if (e.status === 'canceling') return e;
      if (isTerminal(e.status)) {
        throw new SquallError(
          'SQ_EXECUTION_NOT_CANCELABLE',
          `Execution "${id}" already finished (status ${e.status}); it cannot be canceled.`,
        );
      }
      if (!CANCELABLE_STATUSES.includes(e.status)) continue;
      const ts = now();
      const context = { ...e.context, cancelled_by: user };
      if (UNDER_WAY_STATUSES.includes(e.status)) {
        const updated = await store.executions.update(
          id,
          { expect: { status: e.status } },
          { status: 'canceling', context, appendLog: { status: 'canceling', timestamp: ts } },
        );
        if (!updated) continue;
        events.updated(updated);
        await bus.publish('execution.cancel', { id });
        return updated;
      }
      const updated = await store.executions.update(
        id,
        { expect: { status: e.status } },
        {
          status: 'canceled',
          end_timestamp: ts,
          context,
          result: { message: 'Action canceled by user.', user },
          appendLog: { status: 'canceled', timestamp: ts },
        },
      );
      if (!updated) continue;
      events.updated(updated);
      waiters.settle(updated);
      await bus.publish('execution.completed', completedMessage(updated));
      return updated;
    }
    throw new SquallError('SQ_CONFLICT', `Execution "${id}" kept changing state; try again.`);
  }

  /** pausing / resuming: the status is written first, then the workflow engine is told to follow it. */
  async function control(id: string, to: 'pausing' | 'resuming', user: string): Promise<Execution> {
    const from: readonly Execution['status'][] = to === 'pausing' ? ['running'] : ['paused', 'pausing'];
    for (let attempt = 0; attempt < 5; attempt++) {
      const e = await store.executions.get(id);
      if (!e) throw new SquallError('SQ_EXECUTION_NOT_FOUND', `Execution "${id}" does not exist.`);
      if (runners.get(e.runner_type)?.handsOver !== true) {
        throw new SquallError(
          'SQ_BAD_REQUEST',
          `Runner type "${e.runner_type}" does not support ${to === 'pausing' ? 'pause' : 'resume'}.`,
        );
      }
      if (e.status === to || (to === 'pausing' && e.status === 'paused')) return e;
      if (!from.includes(e.status)) {
        throw new SquallError(
          'SQ_CONFLICT',
          `Execution "${id}" is ${e.status}; only ${from.join(' or ')} executions can be ${to === 'pausing' ? 'paused' : 'resumed'}.`,
        );
      }
      const updated = await store.executions.update(
        id,
        { expect: { status: e.status } },
        {
          status: to,
          context: { ...e.context, [to === 'pausing' ? 'paused_by' : 'resumed_by']: user },
          appendLog: { status: to, timestamp: now() },
        },
      );
      if (!updated) continue;
      events.updated(updated);
      await bus.publish('workflow.changed', { id });
      return updated;
    }
    throw new SquallError('SQ_CONFLICT', `Execution "${id}" kept changing state; try again.`);
  }

  async function rerun(id: string, opts: Parameters<ExecutionService['rerun']>[1]): Promise<Execution> {
    const e = await store.executions.get(id);
    if (!e) throw new SquallError('SQ_EXECUTION_NOT_FOUND', `Execution "${id}" does not exist.`);
    // Immutable parameters hold their default already; passing them again would be refused.
    const action = await findAction(e.action.ref);
    if (opts.requestedBy) policy.assert(opts.requestedBy, action.ref);
    const tasks = opts.tasks ?? [];
    if (tasks.length > 0) await assertRerunnableFrom(e, tasks);
    const specs = runners.specsOf(action);
    const stored = parametersOf(e);
    const overrides = opts.parameters ?? {};
    // Stored secrets go only to a re-run by their owner with the right to see them: anyone else
    // could otherwise send them wherever they like (a new `url`, new `hosts`).
    const reuseSecrets = opts.maySeeSecrets === true && opts.user === e.context.user;
    const given: Record<string, unknown> = {};
    const missingSecrets: string[] = [];
    for (const [k, v] of Object.entries(stored)) {
      const spec = specs[k];
      if (spec?.immutable) continue;
      if (spec?.secret && !reuseSecrets) {
        const isDefault = JSON.stringify(v) === JSON.stringify(spec.default);
        if (!isDefault && overrides[k] === undefined) missingSecrets.push(k);
        continue;
      }
      given[k] = v;
    }
    if (missingSecrets.length > 0) {
      const why = `is secret: a re-run by another user, or without the right to see secrets, does not reuse it; give it again`;
      throw new SquallError(
        'SQ_PARAMETER_INVALID',
        `Invalid parameters for ${action.ref}: ${missingSecrets.map((k) => `${k}: ${why}`).join('; ')}`,
        { details: { errors: missingSecrets.map((k) => ({ parameter: k, problem: why })) } },
      );
    }
    const { cancelled_by: _canceler, ...original } = e.context;
    return request({
      action: action.ref,
      parameters: { ...given, ...overrides },
      castStrings: opts.castStrings ?? false,
      context: opts.retry
        ? { ...original, ...opts.retry.context }
        : {
            user: opts.user,
            re_run: { ref: id, ...(tasks.length > 0 ? { tasks, reset: opts.reset ?? [] } : {}) },
            ...(e.context.trace_context ? { trace_context: e.context.trace_context } : {}),
          },
      ...(opts.retry ? { id: opts.retry.id, delay: opts.retry.delay } : {}),
      ...(e.notify ? { notify: e.notify } : {}),
      ...(opts.requestedBy ? { requestedBy: opts.requestedBy } : {}),
    });
  }

  /** Re-running from tasks needs a completed workflow in which those tasks ran. */
  async function assertRerunnableFrom(e: Execution, tasks: string[]): Promise<void> {
    const record = runners.get(e.runner_type)?.handsOver ? await store.workflows.get(e.id) : undefined;
    if (record === undefined)
      throw new SquallError('SQ_BAD_REQUEST', `Execution "${e.id}" is not a workflow: it has no tasks to re-run from.`);
    if (!isTerminal(e.status))
      throw new SquallError(
        'SQ_BAD_REQUEST',
        `Unable to rerun workflow execution "${e.id}" because it is not in a completed state (${e.status}).`,
      );
    const ran = new Set(((record.state.tasks ?? []) as { id?: unknown }[]).map((t) => t.id));
    const missing = tasks.filter((t) => !ran.has(t));
    if (missing.length > 0)
      throw new SquallError(
        'SQ_BAD_REQUEST',
        `Unable to rerun workflow because one or more tasks is not found: ${missing.join(', ')}.`,
      );
  }

  function parametersOf(e: Execution): JsonObject {
    return deps.secrets.open(e.id, runners.specsOf(e.action), e.parameters);
  }

  return {
    request,
    parametersOf,
    cancel,
    pause: (id, user) => control(id, 'pausing', user),
    resume: (id, user) => control(id, 'resuming', user),
    rerun,
    waitForTerminal: (id, timeoutMs) => waiters.wait(id, timeoutMs),
  };
}
