import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Bus, completedMessage } from '../../bus/bus.js';
import type { KeyLookup } from '../../datastore/kv-lookup.js';
import { SquallError } from '../../errors.js';
import type { ExecutionService } from '../../executions/execution-service.js';
import type { ExecutionEvents } from '../../executions/status-events.js';
import type { TerminalWaiters } from '../../executions/terminal-waiters.js';
import { derivedId } from '../../ids.js';
import type { Logger } from '../../logger.js';
import type { Pack } from '../../model/action.js';
import { type Execution, type ExecutionStatus, isTerminal } from '../../model/execution.js';
import type { JsonObject } from '../../model/json.js';
import type { Store } from '../../store/store.js';
import type { WorkflowRecord } from '../../store/workflow-repo.js';
import { type TaskStatus, WORKFLOW_COMPLETED } from '../conductor/conductor-state.js';
import { type TaskPosition, taskPosition } from '../task-position.js';
import { type FlowConductor, type FlowKind, type FlowServices, flowKind } from './flow-kinds.js';
import { type WorkflowSecrets, workflowSecrets } from './workflow-secrets.js';

export interface WorkflowEngineDeps {
  store: Store;
  bus: Bus;
  executions: ExecutionService;
  events: ExecutionEvents;
  waiters: TerminalWaiters;
  logger: Logger;
  /** The datastore for `st2kv()`; without it every key is missing. */
  kv?: { lookup: KeyLookup; decrypt: (stored: string) => string };
}

/** A child execution decided by the conductor, stored before it is requested. */
interface PendingChild {
  readonly child: string;
  readonly task: string;
  readonly route: number;
  readonly item?: number;
  readonly action: string;
  readonly input: JsonObject;
  /** A task's `delay`: not requested before this ISO time. */
  readonly due_at?: string;
}

/** Events of one workflow applied together by its next step. */
interface Batch {
  readonly mutations: Mutation[];
  readonly errors: unknown[];
  done: Promise<void>;
}

type Mutation = (c: FlowConductor, doc: { pending: PendingChild[]; applied: Set<string> }) => void;

const CAS_ATTEMPTS = 50;
const WORKFLOW_UNDER_WAY: readonly ExecutionStatus[] = ['running', 'pausing', 'paused', 'resuming', 'canceling'];

/**
 * Runs orquesta workflows on the normal execution machinery. A workflow execution's conductor state
 * lives in `store.workflows` and is written after every event; each task's action is a child
 * execution whose id is derived from (workflow, task record, retry, item), and is stored in the
 * workflow record before it is requested. So a redelivered completion changes nothing, a crash
 * between deciding and requesting is redone at recovery, and no task ever runs twice.
 */
export class WorkflowEngine {
  readonly #deps: WorkflowEngineDeps;
  readonly #log: Logger;
  /** Steps of one workflow run one at a time in this process (other processes lose the rev CAS). */
  readonly #locks = new Map<string, Promise<void>>();
  /** Per workflow, the events waiting for its next step. */
  readonly #batches = new Map<string, Batch>();
  readonly #specs = new Map<string, unknown>();
  /** Per workflow, children this process requested that the stored pending list may still hold. */
  readonly #requested = new Map<string, Set<string>>();
  readonly #timers = new Map<string, Map<number, NodeJS.Timeout>>();
  /** Per workflow with a `timeout` parameter, the timer that ends it (armed again by recovery). */
  readonly #deadlines = new Map<string, NodeJS.Timeout>();

  constructor(deps: WorkflowEngineDeps) {
    this.#deps = deps;
    this.#log = deps.logger.child({ component: 'workflows' });
  }

  /**
   * Starts the workflow of a claimed (`running`) execution, its secret parameters opened: reads and validates its definition,
   * stores the conductor and requests the first tasks. Starting one already started carries on.
   *
   * @throws SquallError SQ_VALIDATION naming the file and each problem when the definition is invalid
   */
  async start(e: Execution, pack: Pack | undefined): Promise<void> {
    if ((await this.#deps.store.workflows.get(e.id)) === undefined) {
      const kind = kindOf(e);
      const from = rerunOf(e);
      const previous = from === undefined ? undefined : await this.#deps.store.workflows.get(from.ref);
      const original = from === undefined ? undefined : await this.#deps.store.executions.get(from.ref);
      if (from !== undefined && (previous === undefined || original === undefined))
        throw new SquallError('SQ_VALIDATION', `execution ${from.ref} has no workflow state to re-run from`);
      // A re-run from tasks carries on the original run: its definition as it was, its results.
      const definition = previous === undefined ? await readDefinition(e, pack) : String(previous.definition);
      const spec = kind.parse(definition, e.action.entry_point);
      const services = await this.#services(kind, definition, e);
      let conductor: FlowConductor;
      try {
        conductor =
          previous === undefined || from === undefined
            ? kind.start(spec, e, services)
            : kind.rerun(spec, this.#secretsOf(original as Execution).open(previous.state), from.tasks, e, services);
      } catch (err) {
        if (err instanceof SquallError && err.code === 'SQ_BAD_REQUEST')
          throw new SquallError('SQ_VALIDATION', err.message);
        throw err;
      }
      const stored = (await this.#deps.store.executions.get(e.id)) ?? e;
      await this.#deps.store.workflows.create({
        id: e.id,
        definition,
        state: this.#secretsOf(stored).seal(structuredClone(conductor.state) as unknown as JsonObject),
        active: true,
        pending: [],
        applied: [],
      });
    }
    await this.step(e.id);
  }

  /** A child execution reached a terminal state: tell its workflow's conductor (once). */
  async childCompleted(childId: string): Promise<void> {
    const child = await this.#deps.store.executions.get(childId);
    const orq = child === undefined ? undefined : taskPosition(child);
    if (child === undefined || child.parent === undefined || orq === undefined || !isTerminal(child.status)) return;
    await this.step(child.parent, (c, doc) => {
      if (doc.applied.has(child.id)) return;
      doc.applied.add(child.id);
      const answered = orq.item_id === undefined && taskStatus(c.state, orq) === 'pending';
      c.updateTask(orq.task_id, orq.route, {
        status: child.status as TaskStatus,
        result: child.result ?? null,
        ...(orq.item_id === undefined ? {} : { item: orq.item_id }),
      });
      resumeAfterInquiry(c, answered);
    });
  }

  /**
   * A child is waiting for a person (an inquiry): its task is `pending` and the workflow pauses.
   * Ignored once the child has moved on (answered before this arrived).
   */
  async childPending(childId: string): Promise<void> {
    const child = await this.#deps.store.executions.get(childId);
    const orq = child === undefined ? undefined : taskPosition(child);
    if (child === undefined || child.parent === undefined || orq === undefined || child.status !== 'pending') return;
    await this.step(child.parent, (c, doc) => {
      if (doc.applied.has(child.id) || taskStatus(c.state, orq) !== 'running') return;
      c.updateTask(orq.task_id, orq.route, {
        status: 'pending',
        ...(orq.item_id === undefined ? {} : { item: orq.item_id }),
      });
    });
  }

  /**
   * One step of a workflow, serialised per workflow: apply `mutation`, follow the execution's
   * requested status (pausing, resuming, canceling), hand out the next tasks, request them, and end
   * the execution once the conductor is done. Without a mutation it is a pure catch-up (recovery).
   */
  async step(id: string, mutation?: Mutation, timedOutAfterS?: number): Promise<void> {
    if (timedOutAfterS !== undefined) return this.#serialised(id, () => this.#timeOut(id, timedOutAfterS));
    // Events that arrive while a step of the workflow is under way join one batch, applied by the
    // next step in a single read and write of the record: with-items at concurrency 50 would
    // otherwise rewrite the whole state once per item.
    let batch = this.#batches.get(id);
    if (batch === undefined) {
      const open: Batch = { mutations: [], errors: [], done: Promise.resolve() };
      this.#batches.set(id, open);
      open.done = this.#serialised(id, async () => {
        if (this.#batches.get(id) === open) this.#batches.delete(id);
        await this.#step(id, (c, doc) => {
          // Applied again from a fresh read when another writer won the revision.
          open.errors.length = 0;
          for (const m of open.mutations) {
            try {
              m(c, doc);
            } catch (err) {
              open.errors.push(err);
            }
          }
        });
        // One event that cannot be applied fails its own delivery (redelivered), not the batch's writes.
        if (open.errors.length > 0) throw open.errors[0];
      });
      batch = open;
    }
    if (mutation !== undefined) batch.mutations.push(mutation);
    await batch.done;
  }

  /** Runs `work` after the workflow's earlier steps in this process (other processes lose the rev CAS). */
  async #serialised(id: string, work: () => Promise<void>): Promise<void> {
    const previous = this.#locks.get(id) ?? Promise.resolve();
    const run = previous.then(work);
    const tail = run.catch(() => undefined);
    this.#locks.set(id, tail);
    try {
      await run;
    } finally {
      if (this.#locks.get(id) === tail) this.#locks.delete(id);
    }
  }

  /** Start-up recovery: every active workflow catches up with its children and its requested status. */
  async recover(): Promise<number> {
    const { store } = this.#deps;
    let n = 0;
    // Claimed by a runner that died before the workflow was stored: start it now.
    for (let offset = 0; ; offset += 500) {
      const page = await store.executions.list({ status: 'running', limit: 500, offset, order: 'asc' });
      for (const e of page.items) {
        if (flowKind(e.runner_type) === undefined || (await store.workflows.get(e.id)) !== undefined) continue;
        try {
          // Stored executions hold secret parameters sealed; `start` takes them in clear, as a runner gets them.
          const opened = { ...e, parameters: this.#deps.executions.parametersOf(e) };
          await this.start(opened, await store.packs.get(e.action.pack));
        } catch (err) {
          await this.#failStart(e, err);
        }
        n++;
      }
      if (page.items.length < 500) break;
    }
    for (const id of await store.workflows.listActive(10_000)) {
      try {
        const children = await this.#allChildren(id);
        // A crash between requesting children and listing them on the workflow: list them now.
        await this.#linkChildren(
          id,
          children.map((c) => c.id),
        );
        await this.step(id, (c, doc) => {
          for (const child of children) {
            const orq = taskPosition(child);
            if (orq === undefined || doc.applied.has(child.id)) continue;
            const was = orq.item_id === undefined ? taskStatus(c.state, orq) : undefined;
            if (child.status === 'pending' && was === 'running')
              c.updateTask(orq.task_id, orq.route, { status: 'pending' });
            if (!isTerminal(child.status)) continue;
            doc.applied.add(child.id);
            c.updateTask(orq.task_id, orq.route, {
              status: child.status as TaskStatus,
              result: child.result ?? null,
              ...(orq.item_id === undefined ? {} : { item: orq.item_id }),
            });
            resumeAfterInquiry(c, was === 'pending');
          }
        });
        n++;
      } catch (err) {
        this.#log.error('could not recover a workflow', { executionId: id, error: (err as Error).message });
      }
    }
    return n;
  }

  /** Ends a workflow that ran past its `timeout`: nothing new starts, running tasks are canceled. */
  async #timeOut(id: string, limit: number): Promise<void> {
    let ended: { status: ExecutionStatus; result: JsonObject } | undefined;
    const rec = await this.#transact(id, (c, _doc, e) => {
      if (!WORKFLOW_COMPLETED.has(c.status)) c.cancel();
      const message = `The workflow timed out after ${limit} seconds.`;
      ended = kindOf(e).end(c, (index) => derivedId(e.id, 'task', String(index), '0', ''), message);
    });
    if (rec === undefined || ended === undefined) return;
    await this.#endExecution(id, 'timeout', ended.result);
    await this.#cancelChildren(id, 'stanley');
    this.#specs.delete(id);
    this.#requested.delete(id);
    await this.#transact(id, () => undefined);
  }

  /** Marks a workflow execution failed when its definition could not be started. */
  async #failStart(e: Execution, err: unknown): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    await this.#endExecution(e.id, 'failed', { error: message });
  }

  async #allChildren(id: string): Promise<Execution[]> {
    const out: Execution[] = [];
    for (let offset = 0; ; offset += 500) {
      const page = await this.#deps.store.executions.list({ parent: id, limit: 500, offset, order: 'asc' });
      out.push(...page.items);
      if (page.items.length < 500) return out;
    }
  }

  async #step(id: string, mutation: Mutation | undefined): Promise<void> {
    const requested = this.#requested.get(id) ?? new Set<string>();
    this.#requested.set(id, requested);
    let rec = await this.#transact(id, (c, doc, e) => {
      // Children this process has requested leave the list with this write (a crash before it
      // only means asking again, which finds them).
      doc.pending = doc.pending.filter((p) => !requested.has(p.child));
      mutation?.(c, doc);
      follow(c, e.status);
      this.#dispatch(id, c, doc);
    });
    if (rec !== undefined) for (const child of requested) if (!pendingHas(rec.record, child)) requested.delete(child);
    // Requesting a child may fail (an unknown action, invalid parameters): that task fails, which
    // may hand out more tasks; a bounded loop, since each round completes at least one task.
    const linked: string[] = [];
    for (let round = 0; rec !== undefined && rec.record.pending.length > 0 && round < 10_000; round++) {
      const wf = rec.execution;
      const refused = new Map<string, { status: TaskStatus; result: JsonObject }>();
      const now = Date.now();
      for (const p of rec.record.pending as unknown as PendingChild[]) {
        const due = p.due_at === undefined ? now : Date.parse(p.due_at);
        if (due > now) {
          // A delayed task of a canceled workflow never starts; otherwise it is asked for when due.
          if (wf.status === 'canceling') refused.set(p.child, { status: 'canceled', result: {} });
          else this.#wakeAt(id, due);
          continue;
        }
        const message = await this.#requestChild(wf, p);
        if (message !== undefined) refused.set(p.child, { status: 'failed', result: { error: message } });
        else {
          requested.add(p.child);
          linked.push(p.child);
        }
      }
      await this.#linkChildren(id, linked.splice(0));
      // Nothing refused and more to come: the next event's write clears the list.
      if (refused.size === 0 && !WORKFLOW_COMPLETED.has(rec.conductor.status)) break;
      rec = await this.#transact(id, (c, doc) => {
        for (const p of doc.pending.filter((x) => refused.has(x.child))) {
          doc.applied.add(p.child);
          c.updateTask(p.task, p.route, {
            ...(refused.get(p.child) as { status: TaskStatus; result: JsonObject }),
            ...(p.item === undefined ? {} : { item: p.item }),
          });
        }
        doc.pending = doc.pending.filter((x) => !requested.has(x.child) && !refused.has(x.child));
        this.#dispatch(id, c, doc);
      });
    }
    if (rec === undefined) {
      this.#requested.delete(id);
      return;
    }
    const { execution, conductor } = rec;
    this.#armDeadline(execution);
    if (execution.status === 'canceling') await this.#cancelChildren(id, execution.context.cancelled_by);
    if (execution.status === 'pausing' || execution.status === 'resuming') await this.#cascade(id, execution);
    await this.#syncStatus(rec.record, execution, conductor);
  }

  /**
   * A workflow whose parameters give a `timeout` (seconds) ends `timeout` that long after it
   * started, its running tasks canceled; the default execution timeout does not apply to workflows.
   */
  #armDeadline(e: Execution): void {
    const limit = e.parameters.timeout;
    if (typeof limit !== 'number' || limit <= 0 || this.#deadlines.has(e.id) || isTerminal(e.status)) return;
    const due = Date.parse(e.start_timestamp) + limit * 1000;
    const timer = setTimeout(
      () => {
        this.#deadlines.delete(e.id);
        this.step(e.id, undefined, limit).catch((err: unknown) =>
          this.#log.error('workflow not timed out', { executionId: e.id, error: (err as Error).message }),
        );
      },
      Math.max(0, due - Date.now()),
    );
    timer.unref();
    this.#deadlines.set(e.id, timer);
  }

  /** How the state of workflow execution `e` (as stored) holds its secret inputs. */
  #secretsOf(e: Execution): WorkflowSecrets {
    return workflowSecrets(e, () => this.#deps.executions.parametersOf(e));
  }

  /** Adds the children a step requested to the workflow execution's `children`, in one write. */
  async #linkChildren(id: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const { store } = this.#deps;
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const wf = await store.executions.get(id);
      if (wf === undefined) return;
      const known = new Set(wf.children);
      const added = ids.filter((c) => !known.has(c));
      if (added.length === 0) return;
      const written = await store.executions.update(
        id,
        { expect: { status: wf.status } },
        { children: [...wf.children, ...added] },
      );
      if (written !== undefined) return;
    }
    this.#log.warn('children not listed on their workflow (it kept changing)', { executionId: id });
  }

  /** Steps the workflow again when a delayed task is due (recovery re-arms it after a restart). */
  #wakeAt(id: string, due: number): void {
    const timers = this.#timers.get(id) ?? new Map<number, NodeJS.Timeout>();
    this.#timers.set(id, timers);
    if (timers.has(due)) return;
    const timer = setTimeout(
      () => {
        timers.delete(due);
        this.step(id).catch((e: unknown) =>
          this.#log.error('delayed task not started', { executionId: id, error: (e as Error).message }),
        );
      },
      Math.max(0, due - Date.now()) + 5,
    );
    timer.unref();
    timers.set(due, timer);
  }

  /** Stops the timers of delayed tasks (a clean stop; recovery re-arms them). */
  stop(): void {
    for (const timers of this.#timers.values()) for (const t of timers.values()) clearTimeout(t);
    this.#timers.clear();
    for (const t of this.#deadlines.values()) clearTimeout(t);
    this.#deadlines.clear();
  }

  #dispatch(id: string, c: FlowConductor, doc: { pending: PendingChild[] }): void {
    for (const t of c.dispatchNext()) {
      const index = latestIndex(c.state, t.id, t.route);
      const tally = c.state.tasks[index]?.retry?.tally ?? 0;
      const due =
        t.delay !== undefined && t.delay > 0 ? new Date(Date.now() + t.delay * 1000).toISOString() : undefined;
      // With items and a concurrency, only the first batch waits (st2's eval_action_execution_delay).
      let delayed =
        t.itemsCount === undefined ? t.actions.length : Math.min(t.actions.length, t.concurrency ?? t.actions.length);
      for (const a of t.actions) {
        const item = a.item === undefined ? '' : String(a.item);
        doc.pending.push({
          child: derivedId(id, 'task', String(index), String(tally), item),
          task: t.id,
          route: t.route,
          ...(a.item === undefined ? {} : { item: a.item }),
          action: a.action,
          input: a.input as JsonObject,
          ...(due !== undefined && delayed-- > 0 ? { due_at: due } : {}),
        });
        c.updateTask(t.id, t.route, { status: 'running', ...(a.item === undefined ? {} : { item: a.item }) });
      }
    }
  }

  /** Requests one child execution; undefined when it exists (now or already), else why it was refused. */
  async #requestChild(wf: Execution, p: PendingChild): Promise<string | undefined> {
    const root = (wf.context.root as { execution_id: string } | undefined) ?? { execution_id: wf.id };
    const kind = kindOf(wf);
    const position: TaskPosition = {
      workflow_execution_id: wf.id,
      task_name: p.task,
      task_id: p.task,
      route: p.route,
      ...(p.item === undefined ? {} : { item_id: p.item }),
    };
    const spec = this.#specs.get(wf.id);
    const extra = spec === undefined ? {} : (kind.childContext?.(spec, p.task) ?? {});
    try {
      await this.#deps.executions.request({
        id: p.child,
        action: p.action,
        parameters: p.input,
        parent: wf.id,
        parentLinkedByCaller: true,
        context: {
          user: wf.context.user,
          ...(wf.context.api_user ? { api_user: wf.context.api_user } : {}),
          ...(wf.context.source_channel ? { source_channel: wf.context.source_channel } : {}),
          ...(wf.context.trace_context ? { trace_context: wf.context.trace_context } : {}),
          root,
          [kind.contextKey]: { ...extra, ...position },
        },
      });
      return undefined;
    } catch (e) {
      if (e instanceof SquallError && e.code === 'SQ_CONFLICT' && (await this.#deps.store.executions.get(p.child)))
        return undefined;
      if (e instanceof SquallError && e.code !== 'SQ_STORE_UNAVAILABLE') return e.message;
      throw e;
    }
  }

  /**
   * Reads the workflow, applies `change` to its conductor and writes it back at the revision read;
   * another writer in between means reading again and applying again.
   */
  async #transact(
    id: string,
    change: (c: FlowConductor, doc: { pending: PendingChild[]; applied: Set<string> }, e: Execution) => void,
  ): Promise<{ record: WorkflowRecord; execution: Execution; conductor: FlowConductor } | undefined> {
    const { store } = this.#deps;
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const [record, execution] = await Promise.all([store.workflows.get(id), store.executions.get(id)]);
      if (record === undefined || execution === undefined) return undefined;
      const kind = kindOf(execution);
      const spec = this.#spec(record, execution);
      const secrets = this.#secretsOf(execution);
      const conductor = kind.restore(
        spec,
        // Fresh from the store, owned by this attempt: the conductor may change it in place.
        secrets.open(record.state),
        await this.#services(kind, String(record.definition), execution),
      );
      const doc = {
        pending: [...(record.pending as unknown as PendingChild[])],
        applied: new Set(record.applied),
      };
      if (record.active && !isTerminal(execution.status)) change(conductor, doc, execution);
      const written = await store.workflows.update(id, record.rev, {
        state: secrets.seal(conductor.state as unknown as JsonObject),
        active: record.active && !isTerminal(execution.status),
        pending: doc.pending as unknown as JsonObject[],
        applied: [...doc.applied],
      });
      if (written !== undefined) return { record: written, execution, conductor };
    }
    throw new SquallError('SQ_CONFLICT', `workflow ${id} kept changing; its next event or recovery carries on`);
  }

  /**
   * `st2kv()` for the conductor, which cannot wait: the keys the definition names literally
   * (`st2kv('system.x')`) are read before each step, as the workflow's user sees them.
   */
  async #services(kind: FlowKind, definition: string, e: Execution): Promise<FlowServices> {
    const kv = this.#deps.kv;
    const keys = kind.kvKeys(definition);
    if (kv === undefined || keys.length === 0) return {};
    const values = new Map<string, string>();
    for (const key of new Set(keys)) {
      const [scope, ...rest] = key.split('.');
      const name = rest.join('.');
      if ((scope !== 'system' && scope !== 'user') || name === '') continue;
      const v = await kv.lookup.get(scope === 'system' ? 'st2kv.system' : 'st2kv.user', name, e.context.user);
      if (v !== undefined) values.set(key, v);
    }
    return {
      decrypt: kv.decrypt,
      st2kv: (key, decrypt) => {
        const v = values.get(key);
        if (v === undefined || !decrypt) return v;
        try {
          return kv.decrypt(v);
        } catch {
          return v;
        }
      },
    };
  }

  #spec(record: WorkflowRecord, e: Execution): unknown {
    const cached = this.#specs.get(record.id);
    if (cached !== undefined) return cached;
    const spec = kindOf(e).parse(String(record.definition), `workflow ${record.id}`);
    this.#specs.set(record.id, spec);
    return spec;
  }

  async #cancelChildren(id: string, user: unknown): Promise<void> {
    for (const child of await this.#allChildren(id)) {
      if (isTerminal(child.status) || child.status === 'canceling') continue;
      await this.#deps.executions
        .cancel(child.id, typeof user === 'string' ? user : 'stanley')
        .catch((e: unknown) =>
          this.#log.debug('child not canceled', { executionId: child.id, error: (e as Error).message }),
        );
    }
  }

  /** Moves the workflow execution to what the conductor says: paused, running again, or its end. */
  async #syncStatus(record: WorkflowRecord, e: Execution, c: FlowConductor): Promise<void> {
    const s = c.state;
    if (WORKFLOW_COMPLETED.has(s.status) && s.outputRendered && record.pending.length === 0) {
      const end = kindOf(e).end(c, (index) => derivedId(e.id, 'task', String(index), '0', ''));
      if (record.active) await this.#endExecution(e.id, end.status, end.result);
      clearTimeout(this.#deadlines.get(e.id));
      this.#deadlines.delete(e.id);
      this.#specs.delete(e.id);
      this.#requested.delete(e.id);
      // The execution has its end: the record leaves the recovery list.
      await this.#transact(e.id, () => undefined);
      return;
    }
    // `running` → paused: a task waits for an inquiry (the execution stays running while other tasks
    // finish, so that its status never asks the conductor to pause); paused → running: it was answered.
    if (s.status === 'paused' && (e.status === 'pausing' || e.status === 'running'))
      await this.#moveExecution(e, 'paused');
    else if (s.status === 'running' && (e.status === 'resuming' || e.status === 'paused'))
      await this.#moveExecution(e, 'running');
  }

  async #moveExecution(e: Execution, status: ExecutionStatus): Promise<void> {
    const ts = new Date().toISOString();
    const updated = await this.#deps.store.executions.update(
      e.id,
      { expect: { status: e.status } },
      { status, appendLog: { status, timestamp: ts } },
    );
    if (!updated) return;
    this.#deps.events.updated(updated);
    // A sub-workflow that paused (or runs again) is a paused (or running) task of its parent.
    const orq = taskPosition(e);
    if (e.parent !== undefined && orq !== undefined && (status === 'paused' || status === 'running')) {
      await this.step(e.parent, (c) => {
        const task = c.state.tasks.find((t) => t.id === orq.task_id && t.route === orq.route);
        if (task !== undefined && task.items === undefined && task.status !== status)
          c.updateTask(orq.task_id, orq.route, { status });
      });
    }
  }

  /** Pause and resume reach running sub-workflows (children whose runner hands over). */
  async #cascade(id: string, e: Execution): Promise<void> {
    for (const child of await this.#allChildren(id)) {
      if (flowKind(child.runner_type) === undefined) continue;
      const act =
        e.status === 'pausing' && child.status === 'running'
          ? this.#deps.executions.pause(child.id, e.context.user)
          : e.status === 'resuming' && (child.status === 'paused' || child.status === 'pausing')
            ? this.#deps.executions.resume(child.id, e.context.user)
            : undefined;
      await act?.catch((err: unknown) =>
        this.#log.debug('sub-workflow not paused or resumed', { executionId: child.id, error: (err as Error).message }),
      );
    }
  }

  async #endExecution(id: string, status: ExecutionStatus, result: JsonObject): Promise<void> {
    const { store, events, waiters, bus } = this.#deps;
    const ts = new Date().toISOString();
    const done = await store.executions.update(
      id,
      { expect: { status: [...WORKFLOW_UNDER_WAY] } },
      { status, end_timestamp: ts, result, appendLog: { status, timestamp: ts } },
    );
    if (!done) return;
    events.updated(done);
    waiters.settle(done);
    await bus.publish('execution.completed', completedMessage(done));
  }
}

/** The conductor follows what was asked of the execution (the API writes the status first). */
function follow(c: FlowConductor, status: ExecutionStatus): void {
  const s = c.status;
  if (WORKFLOW_COMPLETED.has(s)) return;
  if (status === 'canceling' && s !== 'canceling') c.cancel();
  else if (status === 'pausing' && s !== 'pausing' && s !== 'paused') c.pause();
  else if (status === 'resuming' && (s === 'pausing' || s === 'paused')) {
    // A task paused with its sub-workflow runs again with it (else resuming would find nothing active).
    for (const r of [...c.state.tasks]) {
      if (r.status === 'paused' && r.items === undefined) c.updateTask(r.id, r.route, { status: 'running' });
    }
    c.resume();
  }
}

/** The status of the task record a child belongs to (its latest run on that route). */
function taskStatus(state: FlowConductor['state'], orq: TaskPosition): TaskStatus | undefined {
  return state.tasks[latestIndex(state, orq.task_id, orq.route)]?.status;
}

/**
 * An inquiry answered (or timed out) resumes the workflow it paused, as st2's inquiry service does
 * (orquesta itself would stay paused: the resume comes from outside the conductor there).
 */
function resumeAfterInquiry(c: FlowConductor, answered: boolean): void {
  if (answered && (c.status === 'paused' || c.status === 'pausing')) c.resume();
}

function pendingHas(record: WorkflowRecord, child: string): boolean {
  return (record.pending as unknown as PendingChild[]).some((p) => p.child === child);
}

function latestIndex(state: FlowConductor['state'], id: string, route: number): number {
  for (let i = state.tasks.length - 1; i >= 0; i--) {
    const t = state.tasks[i];
    if (t?.id === id && t.route === route) return i;
  }
  return -1;
}

async function readDefinition(e: Execution, pack: Pack | undefined): Promise<string> {
  if (pack?.path === undefined) throw new SquallError('SQ_VALIDATION', `pack "${e.action.pack}" has no folder`);
  const file = join(pack.path, 'actions', e.action.entry_point);
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new SquallError('SQ_VALIDATION', `cannot read workflow ${e.action.entry_point}: ${(err as Error).message}`);
  }
}

/** The original execution and tasks of a re-run from tasks (`context.re_run`, as st2 records it). */
function rerunOf(e: Execution): { ref: string; tasks: string[] } | undefined {
  const r = e.context.re_run;
  if (r === undefined || !Array.isArray(r.tasks) || r.tasks.length === 0) return undefined;
  return { ref: r.ref, tasks: r.tasks };
}

/** The kind of a workflow execution (the engine only ever holds workflow executions). */
function kindOf(e: Execution): FlowKind {
  const kind = flowKind(e.runner_type);
  if (kind === undefined) throw new SquallError('SQ_VALIDATION', `runner "${e.runner_type}" does not run workflows`);
  return kind;
}
