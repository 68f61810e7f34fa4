import { SquallError } from '../../errors.js';
import { renderDeep } from '../../templates/templates.js';
import { COMPLETED_STATUSES, type TaskStatus, type WorkflowStatus } from '../conductor/conductor-state.js';
import type { TaskDispatch, TaskEvent } from '../conductor/workflow-conductor.js';
import type { ChainNode, ChainSpec } from './chain-spec.js';

/** One run of a chain task, as st2's action-chain result lists it. */
export interface ChainTaskRecord {
  readonly id: string;
  readonly route: 0;
  status: TaskStatus;
  result: unknown;
  readonly created_at: string;
  updated_at: string;
}

/** The chain's whole state: plain JSON, stored by the workflow engine after every event. */
export interface ChainState {
  readonly version: 1;
  readonly kind: 'action-chain';
  status: WorkflowStatus;
  /** The caller's parameters (data: never evaluated). */
  readonly input: Record<string, unknown>;
  /** `action_context.parent` as st2 passes it to templates. */
  readonly parent: Record<string, unknown>;
  vars: Record<string, unknown>;
  published: Record<string, unknown>;
  /** The latest result of each task by name (what `{{ name.x }}` and `__results` read). */
  results: Record<string, unknown>;
  tasks: ChainTaskRecord[];
  /** The task to start next; null when the chain ends after the running one. */
  next: string | null;
  /** What the chain ends with when nothing is next: the last task's outcome. */
  outcome: 'succeeded' | 'failed';
  /** An error of the chain itself (vars, parameters or publish that did not render). */
  error?: string;
  /** The workflow engine's view: done once `outputRendered`. */
  errors: [];
  output: null;
  outputRendered: boolean;
}

/** Lookups the chain cannot do itself. */
export interface ChainServices {
  /** A datastore value by `system.x` / `user.x`, stored form (secrets still sealed). */
  readonly st2kv?: (key: string, decrypt: boolean) => unknown;
  /** Opens a datastore secret, for `| decrypt_kv`. */
  readonly decrypt?: (stored: string) => string;
}

const ACTIVE: ReadonlySet<string> = new Set(['requested', 'running', 'pending', 'paused', 'pausing']);
const FINISHED: ReadonlySet<WorkflowStatus> = new Set(['succeeded', 'failed', 'canceled']);

/** The datastore keys a chain names literally (`st2kv.system.x`, `st2kv.user.x`, st2's older `system.x`). */
export function chainKvKeys(definition: string): string[] {
  const keys = [...definition.matchAll(/\bst2kv\.(system|user)\.(\w+)/g)].map((m) => `${m[1]}.${m[2]}`);
  for (const m of definition.matchAll(/(?<![.\w])system\.(\w+)/g)) keys.push(`system.${m[1]}`);
  return [...new Set(keys)];
}

/**
 * StackStorm's action-chain as a state machine for the workflow engine: one task at a time, the next
 * chosen by `on-success` / `on-failure`, the chain ending with its last task's outcome. Only strings
 * of the chain file are templates; inputs and results are data in the context, never rendered.
 */
export class ChainConductor {
  readonly #nodes: ReadonlyMap<string, ChainNode>;
  readonly #kvKeys: readonly string[];

  private constructor(
    readonly spec: ChainSpec,
    readonly state: ChainState,
    readonly services: ChainServices,
  ) {
    this.#nodes = new Map(spec.chain.map((n) => [n.name, n]));
    this.#kvKeys = chainKvKeys(JSON.stringify(spec));
  }

  /** Renders `vars` (they see the parameters and the datastore) and readies the first task. */
  static start(
    spec: ChainSpec,
    input: Record<string, unknown>,
    opts: { parent: Record<string, unknown>; services?: ChainServices; displayPublished?: boolean },
  ): ChainConductor {
    const state: ChainState = {
      version: 1,
      kind: 'action-chain',
      status: 'running',
      input: structuredClone(input),
      parent: opts.parent,
      vars: {},
      published: {},
      results: {},
      tasks: [],
      next: spec.start,
      outcome: 'succeeded',
      errors: [],
      output: null,
      outputRendered: false,
    };
    const c = new ChainConductor(spec, state, opts.services ?? {});
    try {
      state.vars = c.#render(spec.vars, { ...input, ...c.#datastore() }) as Record<string, unknown>;
    } catch (e) {
      c.#fail(`Failed initializing \`\`vars\`\` in chain. ${reason(e)}`);
    }
    return c;
  }

  static restore(spec: ChainSpec, state: ChainState, services: ChainServices = {}): ChainConductor {
    if (state.version !== 1 || state.kind !== 'action-chain')
      throw new SquallError('SQ_VALIDATION', `unknown action-chain state version ${String(state.version)}`);
    return new ChainConductor(spec, state, services);
  }

  /**
   * Runs a completed chain again from `task`, keeping the earlier results, vars and published
   * values in scope; the new result lists the tasks run from there.
   *
   * @throws SquallError SQ_BAD_REQUEST when the chain is not completed, or `tasks` is not one task that ran
   */
  static rerun(
    spec: ChainSpec,
    previous: ChainState,
    tasks: readonly string[],
    opts: { parent: Record<string, unknown>; services?: ChainServices },
  ): ChainConductor {
    if (!FINISHED.has(previous.status))
      throw new SquallError(
        'SQ_BAD_REQUEST',
        'Unable to rerun the action-chain because it is not in a completed state.',
      );
    const [task, ...more] = tasks;
    if (task === undefined || more.length > 0)
      throw new SquallError('SQ_BAD_REQUEST', 'An action-chain runs one task at a time: re-run it from one task.');
    if (!previous.tasks.some((t) => t.id === task))
      throw new SquallError('SQ_BAD_REQUEST', `Unable to rerun the action-chain because task "${task}" did not run.`);
    const state: ChainState = {
      ...structuredClone(previous),
      parent: opts.parent,
      status: 'running',
      tasks: [],
      next: task,
      outcome: 'succeeded',
      outputRendered: false,
    };
    delete state.error;
    return new ChainConductor(spec, state, opts.services ?? {});
  }

  get status(): WorkflowStatus {
    return this.state.status;
  }

  /** The next task, its parameters rendered, when the chain runs and no task is under way. */
  dispatchNext(): TaskDispatch[] {
    const s = this.state;
    if ((s.status !== 'running' && s.status !== 'resuming') || s.next === null || this.#active()) return [];
    const node = this.#nodes.get(s.next) as ChainNode;
    let input: Record<string, unknown>;
    try {
      input = this.#render(node.parameters, this.#context()) as Record<string, unknown>;
    } catch (e) {
      this.#fail(`Failed to run task "${node.name}". Parameter rendering failed. ${reason(e)}`);
      return [];
    }
    const now = new Date().toISOString();
    s.tasks.push({ id: node.name, route: 0, status: 'requested', result: null, created_at: now, updated_at: now });
    s.next = null;
    return [{ id: node.name, route: 0, actions: [{ action: node.ref, input }] }];
  }

  /**
   * A status change of the running task's action. On its end: publish (success only), then the
   * next task by `on-success` / `on-failure`; a canceled task cancels the chain.
   */
  updateTask(id: string, _route: number, event: TaskEvent): void {
    const s = this.state;
    const record = [...s.tasks].reverse().find((t) => t.id === id);
    if (record === undefined || COMPLETED_STATUSES.has(record.status)) return;
    record.updated_at = new Date().toISOString();
    if (!COMPLETED_STATUSES.has(event.status)) {
      record.status = event.status;
      // A paused sub-workflow, or an inquiry waiting for its answer (`pending`), pauses the chain.
      if (
        (event.status === 'paused' || event.status === 'pending') &&
        (s.status === 'running' || s.status === 'pausing')
      )
        s.status = 'paused';
      return;
    }
    record.status = event.status;
    record.result = event.result ?? null;
    s.results[id] = record.result;
    const node = this.#nodes.get(id) as ChainNode;
    if (event.status === 'succeeded' && Object.keys(node.publish).length > 0) {
      try {
        const published = this.#render(node.publish, { ...this.#context(), [id]: record.result }) as Record<
          string,
          unknown
        >;
        Object.assign(s.vars, published);
        Object.assign(s.published, published);
      } catch (e) {
        record.status = 'failed';
        record.result = { error: `Failed running task "${id}". ${reason(e)}` };
        s.results[id] = record.result;
      }
    }
    if (record.status === 'canceled') {
      s.status = 'canceled';
      this.#finish();
      return;
    }
    const ok = record.status === 'succeeded';
    s.outcome = ok ? 'succeeded' : 'failed';
    s.next = (ok ? node.onSuccess : node.onFailure) ?? null;
    if (s.status === 'canceling') s.status = 'canceled';
    else if (s.status === 'pausing') s.status = 'paused';
    else if (s.next === null && (s.status === 'running' || s.status === 'resuming')) s.status = s.outcome;
    this.#finish();
  }

  /** Pause: the running task finishes, the next one waits. */
  pause(): void {
    const s = this.state;
    if (s.status === 'running' || s.status === 'resuming') s.status = this.#active() ? 'pausing' : 'paused';
  }

  resume(): void {
    const s = this.state;
    if (s.status !== 'paused' && s.status !== 'pausing') return;
    s.status = 'running';
    if (s.next === null && !this.#active()) s.status = s.outcome;
    this.#finish();
  }

  cancel(): void {
    const s = this.state;
    if (FINISHED.has(s.status)) return;
    s.status = this.#active() ? 'canceling' : 'canceled';
    this.#finish();
  }

  #active(): boolean {
    return this.state.tasks.some((t) => ACTIVE.has(t.status));
  }

  #fail(message: string): void {
    this.state.error = message;
    this.state.status = 'failed';
    this.state.next = null;
    this.#finish();
  }

  #finish(): void {
    if (FINISHED.has(this.state.status) && !this.#active()) this.state.outputRendered = true;
  }

  /** What task parameters and publish see, in st2's order: parameters, results, vars, `__results`. */
  #context(): Record<string, unknown> {
    const s = this.state;
    return {
      ...s.input,
      ...s.results,
      ...s.vars,
      __results: s.results,
      ...this.#datastore(),
      action_context: { parent: s.parent },
    };
  }

  /** `st2kv.system.x`, `st2kv.user.x` and st2's older `system.x`, for the keys the chain names. */
  #datastore(): Record<string, unknown> {
    const lookup = this.services.st2kv;
    const system: Record<string, unknown> = {};
    const user: Record<string, unknown> = {};
    if (lookup !== undefined) {
      for (const key of this.#kvKeys) {
        const v = lookup(key, false);
        if (v === undefined) continue;
        const [scope, name] = key.split('.') as [string, string];
        (scope === 'system' ? system : user)[name] = v;
      }
    }
    return { st2kv: { system, user }, system };
  }

  #render(value: unknown, context: Record<string, unknown>): unknown {
    const decrypt = this.services.decrypt;
    return renderDeep(value, context, { strict: true, ...(decrypt === undefined ? {} : { decrypt }) });
  }
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
