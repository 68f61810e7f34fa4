import { SquallError } from '../../errors.js';
import type { ExpressionContext } from '../expression-context.js';
import { isEngineCommand, type TaskSpec, type WorkflowSpec } from '../spec/spec-types.js';
import { type Edge, WorkflowGraph } from '../spec/workflow-graph.js';
import {
  ABENDED_STATUSES,
  COMPLETED_STATUSES,
  type ConductorState,
  type ItemRecord,
  type StagedTask,
  type TaskRecord,
  type TaskStatus,
  WORKFLOW_COMPLETED,
  type WorkflowError,
  type WorkflowStatus,
} from './conductor-state.js';
import {
  evaluateCondition,
  renderAction,
  renderConcurrency,
  renderInput,
  renderInt,
  renderItems,
  renderValue,
  TaskRenderError,
} from './task-rendering.js';

/** One action to run for a task (one per item for with-items). */
export interface ActionDispatch {
  readonly action: string;
  readonly input: Record<string, unknown>;
  /** The item index, for with-items. */
  readonly item?: number;
}

/** A task handed out by dispatchNext: start every action in it. */
export interface TaskDispatch {
  readonly id: string;
  readonly route: number;
  readonly actions: readonly ActionDispatch[];
  /** Seconds to wait before starting (a retry's delay overrides the task's). */
  readonly delay?: number;
  readonly itemsCount?: number;
  readonly concurrency?: number | null;
}

/** A status change of a task's action (or of one item of a with-items task). */
export interface TaskEvent {
  readonly status: TaskStatus;
  readonly result?: unknown;
  readonly item?: number;
}

/** Lookups the conductor cannot do itself; all optional (rehearsal has none of them). */
export interface ConductorServices {
  readonly st2kv?: (key: string, decrypt: boolean) => unknown;
  readonly task?: (name: string | undefined) => unknown;
}

const RUNNING: ReadonlySet<WorkflowStatus> = new Set(['requested', 'running', 'resuming']);
const ITEM_ACTIVE: ReadonlySet<string> = new Set(['requested', 'running', 'pending']);
const EXECUTION_FAILED = 'Execution failed. See result for details.';

/**
 * Orquesta's workflow conductor as a pure state machine: it says which tasks to start, and is told
 * when their actions change status. It starts nothing and waits for nothing, and all its state is in
 * `state` (plain JSON), so the engine persists it after each call and restores it after a crash.
 *
 * @example
 * const c = WorkflowConductor.start(spec, { who: 'ops' });
 * for (const t of c.dispatchNext()) c.updateTask(t.id, t.route, { status: 'succeeded', result: {} });
 */
export class WorkflowConductor {
  readonly #graph: WorkflowGraph;

  private constructor(
    readonly spec: WorkflowSpec,
    readonly state: ConductorState,
    readonly services: ConductorServices,
  ) {
    this.#graph = new WorkflowGraph(spec);
  }

  /** Renders inputs and vars and stages the start tasks. Caller inputs are data: never evaluated. */
  static start(
    spec: WorkflowSpec,
    input: Record<string, unknown> = {},
    opts: { parentContext?: Record<string, unknown>; services?: ConductorServices } = {},
  ): WorkflowConductor {
    const state: ConductorState = {
      version: 1,
      status: 'requested',
      input: structuredClone(input),
      contexts: [],
      routes: [[]],
      staged: [],
      tasks: [],
      errors: [],
      output: null,
      outputRendered: false,
    };
    const c = new WorkflowConductor(spec, state, opts.services ?? {});
    const root: Record<string, unknown> = { ...(opts.parentContext ?? {}) };
    try {
      for (const inp of spec.input) {
        if (Object.hasOwn(input, inp.name)) root[inp.name] = structuredClone(input[inp.name]);
        else root[inp.name] = inp.hasDefault ? renderValue(inp.default, { vars: root }) : null;
      }
      for (const v of spec.vars) root[v.name] = renderValue(v.value, { vars: root });
    } catch (e) {
      state.contexts.push(root);
      c.#log({ message: e instanceof Error ? e.message : String(e) });
      state.status = 'failed';
      state.outputRendered = true;
      return c;
    }
    state.contexts.push(root);
    for (const name of c.#graph.startTasks())
      state.staged.push({ id: name, route: 0, ctxs: [0], arrived: [], ready: true });
    state.status = 'running';
    return c;
  }

  /** Picks up a stored state (after a restart) for the same spec. */
  static restore(spec: WorkflowSpec, state: ConductorState, services: ConductorServices = {}): WorkflowConductor {
    if (state.version !== 1)
      throw new SquallError('SQ_VALIDATION', `unknown conductor state version ${String(state.version)}`);
    return new WorkflowConductor(spec, state, services);
  }

  /**
   * Orquesta's rerun from tasks: a completed workflow's state carries on from `tasks` (each from its
   * latest run's context), keeping the other tasks' results and published values; a requested task
   * downstream of another requested one is left to run when reached. Output and errors start afresh.
   *
   * @throws SquallError SQ_BAD_REQUEST when the workflow is not completed or a task never ran
   */
  static rerun(
    spec: WorkflowSpec,
    previous: ConductorState,
    tasks: readonly string[],
    opts: { parentContext?: Record<string, unknown>; services?: ConductorServices } = {},
  ): WorkflowConductor {
    if (!WORKFLOW_COMPLETED.has(previous.status))
      throw new SquallError(
        'SQ_BAD_REQUEST',
        'Unable to rerun workflow execution because it is not in a completed state.',
      );
    const ran = new Set(previous.tasks.filter((t) => !t.command).map((t) => t.id));
    const missing = tasks.filter((t) => !ran.has(t));
    if (missing.length > 0)
      throw new SquallError(
        'SQ_BAD_REQUEST',
        `Unable to rerun workflow because one or more tasks is not found: ${missing.join(', ')}.`,
      );
    const state = structuredClone(previous);
    // The new execution's own `ctx().st2` (its id, its user), the rest of the root context kept.
    state.contexts[0] = { ...state.contexts[0], ...(opts.parentContext ?? {}) };
    const c = new WorkflowConductor(spec, state, opts.services ?? {});
    const graph = c.#graph;
    const unique = [...new Set(tasks)];
    const downstream = unique.filter((t) => !unique.some((o) => o !== t && graph.reaches(o, t)));
    // In a loop every task reaches every other: then each requested one starts.
    const roots = downstream.length > 0 ? downstream : unique;
    state.status = 'running';
    state.errors = [];
    state.output = null;
    state.outputRendered = false;
    state.staged = [];
    for (const r of state.tasks) delete r.terminal;
    for (const name of roots) {
      const last = c.#latest(name, [...state.tasks].reverse().find((t) => t.id === name)?.route ?? 0) as TaskRecord;
      state.staged.push({ id: name, route: last.route, ctxs: [...last.ctxs], arrived: [], ready: true });
    }
    return c;
  }

  get status(): WorkflowStatus {
    return this.state.status;
  }

  /** Task names in the order they started (`name__r<route>` off route 0), engine commands included. */
  sequence(): string[] {
    return this.state.tasks.map((t) => (t.route === 0 ? t.id : `${t.id}__r${t.route}`));
  }

  /**
   * The tasks (and with-items items) to start now, sorted by (task name, route), recorded as
   * `requested` so that asking again never hands out the same action twice. Action-less tasks
   * complete here at once, as st2 completes them.
   */
  dispatchNext(): TaskDispatch[] {
    const out: TaskDispatch[] = [];
    // Action-less tasks complete inside a pass and may stage more tasks: keep going until a pass
    // completes none, so the caller never sees an empty list while work is left.
    for (let pass = 0; pass < 10_000; pass++) {
      const before = this.state.tasks.length;
      const got = this.#dispatchPass();
      out.push(...got.dispatches);
      if (!got.completedInline || this.state.tasks.length === before) break;
    }
    return out;
  }

  #dispatchPass(): { dispatches: TaskDispatch[]; completedInline: boolean } {
    const s = this.state;
    const running = RUNNING.has(s.status);
    if (!running && s.status !== 'failed') return { dispatches: [], completedInline: false };
    const staged = s.staged.filter((t) => t.ready && (running || this.#runOnFail(t)));
    const continuing = running
      ? s.tasks.filter((r) => r.items !== undefined && r.status === 'running' && this.#freeSlots(r) > 0)
      : [];
    const order = [...staged.map((t) => ({ t, r: undefined })), ...continuing.map((r) => ({ t: undefined, r }))].sort(
      (a, b) => {
        const [x, y] = [a.t ?? (a.r as TaskRecord), b.t ?? (b.r as TaskRecord)];
        return x.id < y.id ? -1 : x.id > y.id ? 1 : x.route - y.route;
      },
    );
    // Render everything first: orquesta hands out nothing when any task fails to render.
    const planned: { plan: () => TaskDispatch | undefined }[] = [];
    const failures: WorkflowError[] = [];
    for (const { t, r } of order) {
      try {
        planned.push({ plan: t !== undefined ? this.#prepareStaged(t) : this.#prepareItems(r as TaskRecord) });
      } catch (e) {
        if (!(e instanceof TaskRenderError)) throw e;
        const at = t ?? (r as TaskRecord);
        failures.push({ type: 'error', message: e.message, task_id: at.id, route: at.route });
      }
    }
    if (failures.length > 0) {
      for (const f of failures) this.#log(f);
      this.#setFailed();
      this.#refresh(undefined);
      return { dispatches: [], completedInline: false };
    }
    const dispatches: TaskDispatch[] = [];
    let completedInline = false;
    for (const p of planned) {
      const d = p.plan();
      if (d !== undefined) dispatches.push(d);
      else completedInline = true;
    }
    return { dispatches, completedInline };
  }

  /**
   * Records a status change of a task's action, then evaluates retries and transitions and the
   * workflow's status.
   *
   * @throws SquallError SQ_CONFLICT when no started task has that id and route
   */
  updateTask(id: string, route: number, event: TaskEvent): void {
    const record = this.#latest(id, route);
    if (record === undefined)
      throw new SquallError('SQ_CONFLICT', `task "${id}" (route ${route}) has not been started`);
    if (COMPLETED_STATUSES.has(record.status) && record.items === undefined) return;
    if (record.items !== undefined) {
      this.#updateItem(record, event);
      return;
    }
    if (!COMPLETED_STATUSES.has(event.status)) {
      record.status = event.status;
      // A task waiting for a person (an inquiry) pauses the workflow, at once if nothing else runs (orquesta).
      if (event.status === 'pending' && this.state.status === 'running')
        this.state.status = this.#busy() ? 'pausing' : 'paused';
      this.#refresh(undefined);
      return;
    }
    record.result = event.result ?? null;
    // A running action that timed out or was abandoned leaves the task failed, with no error entry (orquesta).
    record.status = event.status === 'timeout' || event.status === 'abandoned' ? 'failed' : event.status;
    if (event.status === 'failed') this.#logFailure(record);
    this.#complete(record);
  }

  /** Pause: running tasks finish, nothing new starts. */
  pause(): void {
    const s = this.state;
    if (s.status === 'pausing' || s.status === 'paused') return;
    this.#requireActive('pause');
    s.status = this.#busy() ? 'pausing' : 'paused';
  }

  /** Resume a paused (or pausing) workflow; with nothing left to run it completes. */
  resume(): void {
    const s = this.state;
    if (s.status !== 'paused' && s.status !== 'pausing') {
      throw new SquallError(
        'SQ_CONFLICT',
        `Unable to process event "workflow_resuming" for workflow in "${s.status}" status.`,
      );
    }
    s.status = 'running';
    for (const r of s.tasks) if (r.status === 'paused') r.status = r.items !== undefined ? 'running' : r.status;
    this.#refresh(undefined);
  }

  /** Cancel: running tasks finish, nothing new starts, and the workflow ends canceled. */
  cancel(): void {
    const s = this.state;
    if (s.status === 'canceling' || s.status === 'canceled') return;
    this.#requireActive('cancel');
    s.status = this.#active() ? 'canceling' : 'canceled';
    if (s.status === 'canceled') this.#finish();
  }

  #requireActive(event: string): void {
    if (WORKFLOW_COMPLETED.has(this.state.status)) {
      throw new SquallError(
        'SQ_CONFLICT',
        `Unable to process event "workflow_${event === 'pause' ? 'pausing' : 'canceling'}" for workflow in "${this.state.status}" status.`,
      );
    }
  }

  // ---- dispatch ----

  #task(id: string): TaskSpec {
    const t = this.spec.tasks.get(id);
    if (t === undefined) throw new SquallError('SQ_VALIDATION', `task "${id}" is not in the workflow`);
    return t;
  }

  #context(ctxs: readonly number[], route: number, extra: Partial<ExpressionContext> = {}): ExpressionContext {
    const vars: Record<string, unknown> = {};
    for (const i of ctxs) Object.assign(vars, this.state.contexts[i]);
    return {
      vars,
      where: { task: extra.where?.task, route },
      taskStatus: (name) => this.#taskStatus(name, route),
      ...(this.services.task === undefined ? {} : { task: this.services.task }),
      ...(this.services.st2kv === undefined ? {} : { st2kv: this.services.st2kv }),
      ...extra,
    };
  }

  #prepareStaged(t: StagedTask): () => TaskDispatch | undefined {
    const task = this.#task(t.id);
    const ctx = this.#context(t.ctxs, t.route, { where: { task: t.id, route: t.route } });
    const retryRecord = t.retryOf === undefined ? undefined : this.state.tasks[t.retryOf];
    const retry =
      retryRecord?.retry ??
      (task.retry === undefined && !task.next.some((n) => n.do.includes('retry'))
        ? undefined
        : this.#retrySpec(task, ctx));
    const delay =
      t.retryOf !== undefined
        ? t.retryDelay
        : renderInt(task.delay, ctx, 'TypeError: The value of task delay is not type of integer.');
    if (task.action === undefined) {
      return () => {
        const record = this.#startRecord(t, retryRecord, retry);
        record.status = 'succeeded';
        record.result = null;
        this.#complete(record);
        return undefined;
      };
    }
    const action = renderAction(task, ctx);
    if (task.with === undefined) {
      const input = renderInput(task, ctx);
      return () => {
        const record = this.#startRecord(t, retryRecord, retry);
        record.status = 'requested';
        return { id: t.id, route: t.route, actions: [{ action, input }], ...(delay === undefined ? {} : { delay }) };
      };
    }
    const values = renderItems(task, ctx);
    const concurrency = renderConcurrency(task, ctx);
    const items: ItemRecord[] = values.map((value) => ({ status: null, result: null, value }));
    const first = this.#renderItemInputs(task, t.ctxs, t.route, items, concurrency ?? items.length, action);
    return () => {
      const record = this.#startRecord(t, retryRecord, retry);
      record.items = items;
      record.concurrency = concurrency;
      if (items.length === 0) {
        // An empty list completes at once with an empty result (st2: "has no items and succeed by default").
        record.status = 'succeeded';
        record.result = [];
        this.#complete(record);
        return undefined;
      }
      record.status = 'running';
      for (const a of first) (items[a.item as number] as ItemRecord).status = 'requested';
      return {
        id: t.id,
        route: t.route,
        actions: first,
        itemsCount: items.length,
        concurrency,
        ...(delay === undefined ? {} : { delay }),
      };
    };
  }

  #prepareItems(r: TaskRecord): () => TaskDispatch | undefined {
    const task = this.#task(r.id);
    const items = r.items as ItemRecord[];
    const ctx = this.#context(r.ctxs, r.route, { where: { task: r.id, route: r.route } });
    const action = renderAction(task, ctx);
    const next = this.#renderItemInputs(task, r.ctxs, r.route, items, this.#freeSlots(r), action);
    return () => {
      for (const a of next) (items[a.item as number] as ItemRecord).status = 'requested';
      return next.length === 0
        ? undefined
        : { id: r.id, route: r.route, actions: next, itemsCount: items.length, concurrency: r.concurrency ?? null };
    };
  }

  #renderItemInputs(
    task: TaskSpec,
    ctxs: number[],
    route: number,
    items: ItemRecord[],
    slots: number,
    action: string,
  ): ActionDispatch[] {
    const out: ActionDispatch[] = [];
    for (let i = 0; i < items.length && out.length < slots; i++) {
      const it = items[i] as ItemRecord;
      if (it.status !== null) continue;
      const ctx = this.#context(ctxs, route, { where: { task: task.name, route }, item: { value: it.value } });
      out.push({ action, input: renderInput(task, ctx), item: i });
    }
    return out;
  }

  #freeSlots(r: TaskRecord): number {
    const items = r.items ?? [];
    const active = items.filter((i) => i.status !== null && ITEM_ACTIVE.has(i.status)).length;
    const limit = r.concurrency ?? items.length;
    return Math.max(0, limit - active);
  }

  #retrySpec(task: TaskSpec, ctx: ExpressionContext): TaskRecord['retry'] {
    const viaDo = task.next.find((n) => n.do.includes('retry'));
    if (viaDo !== undefined) {
      // `do: retry` replaces any retry block: three tries, with that transition's condition.
      return { when: viaDo.when ?? '<% completed() %>', count: 3, delay: 0, tally: 0 };
    }
    const spec = task.retry;
    if (spec === undefined) return undefined;
    const count = renderInt(spec.count, ctx, `ValueError: The retry count for task "${task.name}" is not an integer.`);
    const delay = renderInt(spec.delay, ctx, `ValueError: The retry delay for task "${task.name}" is not an integer.`);
    return { when: spec.when, count: count ?? 0, delay: delay ?? 0, tally: 0 };
  }

  #startRecord(t: StagedTask, retryRecord: TaskRecord | undefined, retry: TaskRecord['retry']): TaskRecord {
    const s = this.state;
    s.staged = s.staged.filter((x) => x !== t);
    if (retryRecord !== undefined) {
      // A retry reuses the sequence entry, as orquesta does.
      retryRecord.status = 'requested';
      retryRecord.next = {};
      retryRecord.result = null;
      delete retryRecord.items;
      return retryRecord;
    }
    const record: TaskRecord = {
      id: t.id,
      route: t.route,
      status: 'requested',
      ctxs: [...t.ctxs],
      result: null,
      next: {},
      ...(retry === undefined ? {} : { retry }),
      ...(this.#runOnFail(t) ? { runOnFail: true } : {}),
    };
    s.tasks.push(record);
    return record;
  }

  #runOnFail(t: StagedTask): boolean {
    return t.runOnFail === true;
  }

  // ---- completion ----

  #updateItem(record: TaskRecord, event: TaskEvent): void {
    const items = record.items as ItemRecord[];
    const item = event.item === undefined ? undefined : items[event.item];
    if (item === undefined)
      throw new SquallError('SQ_CONFLICT', `task "${record.id}" has no item ${String(event.item)}`);
    if (item.status !== null && COMPLETED_STATUSES.has(item.status)) return;
    item.status = event.status === 'timeout' || event.status === 'abandoned' ? 'failed' : event.status;
    if (COMPLETED_STATUSES.has(event.status)) item.result = event.result ?? null;
    record.result = items.map((i) => i.result);
    if (items.some((i) => i.status !== null && ITEM_ACTIVE.has(i.status))) {
      this.#refresh(undefined);
      return;
    }
    const anyFailed = items.some((i) => i.status !== null && ABENDED_STATUSES.has(i.status));
    const allDone = items.every((i) => i.status !== null && COMPLETED_STATUSES.has(i.status));
    const s = this.state;
    if (anyFailed) record.status = 'failed';
    else if (items.some((i) => i.status === 'canceled')) record.status = 'canceled';
    else if (allDone) record.status = 'succeeded';
    else if (s.status === 'pausing' || s.status === 'paused') record.status = 'paused';
    else if (!RUNNING.has(s.status)) record.status = 'canceled';
    else {
      this.#refresh(undefined);
      return;
    }
    if (record.status === 'failed') this.#logFailure(record);
    if (record.status === 'paused') {
      this.#refresh(undefined);
      return;
    }
    this.#complete(record);
  }

  #complete(record: TaskRecord): void {
    if (this.#retried(record)) {
      this.#refresh(undefined);
      return;
    }
    const edges = this.#graph.outbound(record.id);
    const ctx = this.#context(record.ctxs, record.route, {
      where: { task: record.id, route: record.route },
      currentTask: { id: record.id, route: record.route, status: record.status, result: record.result },
    });
    const commands: { name: string; edge: Edge; ctxs: number[]; siblings: string[] }[] = [];
    const task = this.#task(record.id);
    for (const edge of edges) {
      const transition = task.next[edge.transition];
      if (transition === undefined) continue;
      let satisfied: boolean;
      try {
        satisfied = transition.when === undefined ? true : evaluateCondition(transition.when, ctx);
      } catch (e) {
        this.#transitionError(record, edge, e);
        continue;
      }
      record.next[edge.id] = satisfied;
      if (!satisfied) continue;
      let ctxs = record.ctxs;
      if (transition.publish.length > 0) {
        const published: Record<string, unknown> = {};
        try {
          for (const p of transition.publish) {
            published[p.name] = renderValue(p.value, { ...ctx, vars: { ...ctx.vars, ...published } });
          }
        } catch (e) {
          this.#transitionError(record, edge, e);
          continue;
        }
        this.state.contexts.push(published);
        ctxs = [...record.ctxs, this.state.contexts.length - 1];
      }
      if (edge.target !== 'continue') record.remediated = true;
      const route = this.#routeFor(edge, record.route);
      if (isEngineCommand(edge.target))
        commands.push({ name: edge.target, edge, ctxs, siblings: transition.do.filter((d) => !isEngineCommand(d)) });
      else this.#stage(edge.target, route, ctxs, record.id);
    }
    record.terminal = edges.length === 0;
    if (ABENDED_STATUSES.has(record.status) && record.remediated !== true) this.#setFailed();
    for (const c of commands) this.#runCommand(c.name, this.#routeFor(c.edge, record.route), c.ctxs, c.siblings);
    this.#refresh(record);
  }

  #retried(record: TaskRecord): boolean {
    const retry = record.retry;
    if (retry === undefined || !RUNNING.has(this.state.status) || retry.tally >= retry.count) return false;
    let again: boolean;
    if (retry.when === undefined) again = ABENDED_STATUSES.has(record.status);
    else {
      const ctx = this.#context(record.ctxs, record.route, {
        where: { task: record.id, route: record.route },
        currentTask: { id: record.id, route: record.route, status: record.status, result: record.result },
      });
      try {
        again = evaluateCondition(retry.when, ctx);
      } catch (e) {
        this.#log({ message: e instanceof Error ? e.message : String(e), task_id: record.id, route: record.route });
        this.#setFailed();
        return false;
      }
    }
    if (!again) return false;
    retry.tally += 1;
    record.status = 'retrying';
    const index = this.state.tasks.indexOf(record);
    this.state.staged.push({
      id: record.id,
      route: record.route,
      ctxs: [...record.ctxs],
      arrived: [],
      ready: true,
      retryOf: index,
      retryDelay: retry.delay,
    });
    return true;
  }

  #transitionError(record: TaskRecord, edge: Edge, e: unknown): void {
    this.#log({
      message: e instanceof Error ? e.message : String(e),
      task_id: record.id,
      route: record.route,
      task_transition_id: edge.id,
    });
    this.#setFailed();
  }

  #routeFor(edge: Edge, route: number): number {
    if (!this.#graph.isSplit(edge.target)) return route;
    const k = edge.id.slice(edge.id.lastIndexOf('__t'));
    const path = [...(this.state.routes[route] ?? []), `${edge.source}${k}`];
    const key = JSON.stringify(path);
    const found = this.state.routes.findIndex((r) => JSON.stringify(r) === key);
    if (found >= 0) return found;
    this.state.routes.push(path);
    return this.state.routes.length - 1;
  }

  #stage(id: string, route: number, ctxs: number[], from: string): void {
    const s = this.state;
    const task = this.#task(id);
    const existing = s.staged.find((t) => t.id === id && t.route === route && t.retryOf === undefined);
    if (task.join !== undefined) {
      // One join per route; arrivals after it has run do not start it again (outside loops).
      if (existing === undefined && !this.#graph.inCycle(id) && this.#latest(id, route) !== undefined) return;
      const staged = existing ?? { id, route, ctxs: [], arrived: [], ready: false };
      if (existing === undefined) s.staged.push(staged);
      for (const i of ctxs) if (!staged.ctxs.includes(i)) staged.ctxs.push(i);
      if (!staged.arrived.includes(from)) staged.arrived.push(from);
      staged.ready = staged.arrived.length >= this.#graph.joinRequirement(id);
      return;
    }
    if (existing !== undefined) {
      for (const i of ctxs) if (!existing.ctxs.includes(i)) existing.ctxs.push(i);
      return;
    }
    s.staged.push({ id, route, ctxs: [...ctxs], arrived: [from], ready: true });
  }

  #runCommand(name: string, route: number, ctxs: number[], siblings: string[]): void {
    const s = this.state;
    const failed = name === 'fail';
    s.tasks.push({
      id: name,
      route,
      status: failed ? 'failed' : 'succeeded',
      ctxs,
      result: null,
      next: {},
      command: true,
      terminal: true,
    });
    if (!failed) return;
    this.#log({ message: EXECUTION_FAILED, task_id: 'fail' });
    this.#setFailed();
    // Tasks in the same `do` as `fail` still run while the workflow is failed (orquesta's run_on_fail).
    for (const t of s.staged) if (siblings.includes(t.id)) t.runOnFail = true;
  }

  // ---- workflow status ----

  #setFailed(): void {
    const s = this.state;
    if (s.status === 'canceling' || s.status === 'canceled' || s.status === 'failed') return;
    s.status = 'failed';
  }

  #active(): boolean {
    return this.#busy() || this.state.tasks.some((r) => !r.command && r.status === 'pending');
  }

  /** Active without the tasks waiting for a person: what a pause waits for (orquesta's ACTIVE has no `pending`). */
  #busy(): boolean {
    return this.state.tasks.some(
      (r) =>
        !r.command &&
        (r.status === 'requested' ||
          r.status === 'running' ||
          (r.items?.some((i) => i.status !== null && ITEM_ACTIVE.has(i.status)) ?? false)),
    );
  }

  #runnable(): boolean {
    const s = this.state;
    if (RUNNING.has(s.status)) {
      return (
        s.staged.some((t) => t.ready) ||
        s.tasks.some((r) => r.items !== undefined && r.status === 'running' && r.items.some((i) => i.status === null))
      );
    }
    return s.status === 'failed' && s.staged.some((t) => t.ready && this.#runOnFail(t));
  }

  #refresh(last: TaskRecord | undefined): void {
    const s = this.state;
    const active = this.#active();
    if (!this.#busy() && s.status === 'pausing') s.status = 'paused';
    if (!active && !this.#runnable()) {
      if (RUNNING.has(s.status)) {
        const waiting = s.staged.filter((t) => !t.ready);
        for (const j of waiting) {
          this.#log({
            message: `UnreachableJoinError: The join task|route "${j.id}|${j.route}" is partially satisfied but unreachable.`,
            task_id: j.id,
            route: j.route,
          });
        }
        s.status = waiting.length > 0 ? 'failed' : 'succeeded';
      } else if (s.status === 'canceling') s.status = 'canceled';
    }
    if (last !== undefined && WORKFLOW_COMPLETED.has(s.status)) last.terminal = true;
    if (WORKFLOW_COMPLETED.has(s.status) && !active && !this.#runnable()) this.#finish();
  }

  #finish(): void {
    const s = this.state;
    if (s.outputRendered) return;
    s.outputRendered = true;
    if (this.spec.output.length === 0) return;
    const terminals = s.tasks.filter((r) => r.terminal === true);
    // No terminal task (a render failure before any): fall back to the root context rather than
    // orquesta's empty one, so inputs and vars still reach the output (a documented difference).
    const ctxs = terminals.length === 0 ? [0] : [...(terminals[0] as TaskRecord).ctxs];
    for (const r of terminals.slice(1)) for (const i of r.ctxs) if (i !== 0) ctxs.push(i);
    const base = this.#context(ctxs, 0);
    const output: Record<string, unknown> = {};
    let failed = false;
    for (const o of this.spec.output) {
      try {
        output[o.name] = renderValue(o.value, { ...base, vars: { ...base.vars, ...output } });
      } catch (e) {
        failed = true;
        this.#log({ message: e instanceof Error ? e.message : String(e) });
      }
    }
    s.output = Object.keys(output).length > 0 ? output : null;
    if (failed && s.status !== 'canceled') s.status = 'failed';
  }

  // ---- bookkeeping ----

  #latest(id: string, route: number): TaskRecord | undefined {
    for (let i = this.state.tasks.length - 1; i >= 0; i--) {
      const r = this.state.tasks[i] as TaskRecord;
      if (r.id === id && r.route === route && !r.command) return r;
    }
    return undefined;
  }

  #taskStatus(name: string, route: number): string {
    const path = this.state.routes[route] ?? [];
    for (let i = this.state.tasks.length - 1; i >= 0; i--) {
      const r = this.state.tasks[i] as TaskRecord;
      if (r.id !== name) continue;
      const other = this.state.routes[r.route] ?? [];
      if (other.every((p, k) => path[k] === p)) return r.status;
    }
    return 'null';
  }

  #logFailure(record: TaskRecord): void {
    this.#log({
      message: EXECUTION_FAILED,
      task_id: record.id,
      ...(record.route === 0 ? {} : { route: record.route }),
      ...(record.result === null || record.result === undefined ? {} : { result: record.result }),
    });
  }

  /** Appends an error entry, leaving out empty keys and skipping exact duplicates (orquesta's log_entry). */
  #log(entry: Omit<WorkflowError, 'type'>): void {
    const e: WorkflowError = Object.fromEntries(
      Object.entries({ type: 'error', ...entry }).filter(([, v]) => v !== undefined && v !== null),
    ) as unknown as WorkflowError;
    const key = JSON.stringify(e);
    if (!this.state.errors.some((x) => JSON.stringify(x) === key)) this.state.errors.push(e);
  }
}
