import { createHash } from 'node:crypto';
import { type Bus, completedMessage } from '../bus/bus.js';
import { SquallError } from '../errors.js';
import type { ExecutionService } from '../executions/execution-service.js';
import type { ExecutionEvents } from '../executions/status-events.js';
import type { TerminalWaiters } from '../executions/terminal-waiters.js';
import { derivedId } from '../ids.js';
import type { Logger } from '../logger.js';
import { metrics } from '../metrics/metrics.js';
import { type Execution, isTerminal } from '../model/execution.js';
import type { JsonObject } from '../model/json.js';
import type { Policy } from '../model/policy.js';
import type { Store } from '../store/store.js';

/** How long the enabled policies are cached; a change through the API or a pack applies within it. */
const REFRESH_MS = 2000;
/** Delayed executions looked at per sweep, and per action when a slot frees. */
const SWEEP_LIMIT = 200;

export interface PolicyEnforcerDeps {
  store: Store;
  bus: Bus;
  events: ExecutionEvents;
  waiters: TerminalWaiters;
  logger: Logger;
  /** Requests retries (action.retry). */
  executions: Pick<ExecutionService, 'rerun'>;
}

/** The enabled policies by action, as the scheduler reads them on every execution. */
interface PolicyIndex {
  concurrency: Map<string, Policy[]>;
  retry: Map<string, Policy[]>;
  byRef: Map<string, Policy>;
}

/** What the concurrency policies say about one requested execution. */
export type Admission = { run: true } | { run: false; policy: Policy; over: 'delay' | 'cancel' };

const num = (v: unknown, fallback: number): number => (typeof v === 'number' ? v : fallback);

/**
 * StackStorm's action policies, enforced in the scheduler through the store so that limits hold
 * across every scheduler and runner process:
 *
 * - `action.concurrency` / `.attr`: before an execution is scheduled it takes a slot of the
 *   policy's key (the action, or the action and the values of `attributes`) in `store.policySlots`,
 *   a compare-and-set shared by all schedulers. Over the threshold it becomes `delayed` (requested
 *   again when a slot frees) or `canceled` with the reason. The slot is freed when the execution ends.
 * - `action.retry`: when an execution of the action ends `failed` (`retry_on: failure`) or `timeout`,
 *   a new execution is requested, after `delay` seconds, with `context.policies.retry` naming the
 *   original; at most `max_retry_count` times along one chain.
 */
export class PolicyEnforcer {
  readonly #d: PolicyEnforcerDeps;
  readonly #log: Logger;
  #index: PolicyIndex | undefined;
  #loadedAt = 0;
  #loading: Promise<PolicyIndex> | undefined;

  constructor(deps: PolicyEnforcerDeps) {
    this.#d = deps;
    this.#log = deps.logger.child({ component: 'policies' });
  }

  /** The enabled policies, read at most every REFRESH_MS (no store read per execution). */
  async index(): Promise<PolicyIndex> {
    if (this.#index && Date.now() - this.#loadedAt < REFRESH_MS) return this.#index;
    this.#loading ??= this.#load().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #load(): Promise<PolicyIndex> {
    const { items } = await this.#d.store.policies.list({ limit: 100_000 });
    const index: PolicyIndex = { concurrency: new Map(), retry: new Map(), byRef: new Map() };
    for (const p of items) {
      if (!p.enabled) continue;
      index.byRef.set(p.ref, p);
      const map = p.policy_type === 'action.retry' ? index.retry : index.concurrency;
      map.set(p.resource_ref, [...(map.get(p.resource_ref) ?? []), p]);
    }
    this.#index = index;
    this.#loadedAt = Date.now();
    return index;
  }

  /** The slot key of `e` under a concurrency policy: the policy, and for `.attr` the attribute values. */
  slotKey(p: Policy, e: Pick<Execution, 'parameters'>): string {
    if (p.policy_type !== 'action.concurrency.attr') return p.ref;
    const attributes = Array.isArray(p.parameters.attributes) ? p.parameters.attributes : [];
    const values = attributes.map((a) => (typeof a === 'string' ? (e.parameters[a] ?? null) : null));
    const digest = createHash('sha256').update(JSON.stringify(values)).digest('hex').slice(0, 16);
    return `${p.ref}:${digest}`;
  }

  /**
   * Takes a slot of every concurrency policy of the action, or none: over one threshold the slots
   * already taken are given back. A key whose slots are all held is checked for holders that ended
   * without freeing theirs (a process died), which are freed before one more try.
   */
  async admit(e: Execution, policies: readonly Policy[]): Promise<Admission> {
    const taken: string[] = [];
    for (const p of policies) {
      const key = this.slotKey(p, e);
      const limit = num(p.parameters.threshold, 10);
      let ok = await this.#d.store.policySlots.take(key, limit, e.id);
      if (!ok && (await this.#freeStale(key))) ok = await this.#d.store.policySlots.take(key, limit, e.id);
      if (!ok) {
        if (taken.length > 0) await this.#d.store.policySlots.release(e.id);
        return { run: false, policy: p, over: p.parameters.action === 'cancel' ? 'cancel' : 'delay' };
      }
      taken.push(key);
    }
    return { run: true };
  }

  /** Frees the slots of `key` whose holders have ended or are gone; true when one was. */
  async #freeStale(key: string): Promise<boolean> {
    let freed = false;
    for (const s of await this.#d.store.policySlots.list(key)) {
      const holder = await this.#d.store.executions.get(s.holder);
      if (holder && !isTerminal(holder.status)) continue;
      await this.#d.store.policySlots.release(s.holder);
      freed = true;
    }
    return freed;
  }

  /** Records what a concurrency policy decided for an execution over its threshold. */
  async refuse(e: Execution, a: Extract<Admission, { run: false }>): Promise<void> {
    const { store, events, waiters, bus } = this.#d;
    const ts = new Date().toISOString();
    const threshold = num(a.policy.parameters.threshold, 10);
    if (a.over === 'delay') {
      const d = await store.executions.update(
        e.id,
        { expect: { status: 'requested' } },
        { status: 'delayed', appendLog: { status: 'delayed', timestamp: ts } },
      );
      if (!d) return;
      events.updated(d);
      metrics.policyApplied(a.policy.policy_type, 'delayed');
      this.#log.debug('execution delayed by policy', { executionId: e.id, policy: a.policy.ref });
      return;
    }
    const reason = `Canceled by policy ${a.policy.ref} (${a.policy.policy_type}): ${threshold} execution(s) of ${e.action.ref} already scheduled or running.`;
    const c = await store.executions.update(
      e.id,
      { expect: { status: 'requested' } },
      {
        status: 'canceled',
        end_timestamp: ts,
        result: { message: reason, policy: a.policy.ref },
        context: { ...e.context, policies: { ...policiesOf(e), concurrency: { applied_policy: a.policy.ref } } },
        appendLog: { status: 'canceled', timestamp: ts },
      },
    );
    if (!c) return;
    events.updated(c);
    waiters.settle(c);
    metrics.policyApplied(a.policy.policy_type, 'canceled');
    this.#log.info('execution canceled by policy', { executionId: e.id, policy: a.policy.ref });
    await bus.publish('execution.completed', completedMessage(c));
  }

  /**
   * After an execution ended: frees its slots (and requests the delayed executions that wait for
   * them), then applies a retry policy. Safe to call twice for one execution (a redelivery).
   */
  async completed(id: string): Promise<void> {
    const index = await this.index();
    if (index.concurrency.size > 0) {
      const keys = await this.#d.store.policySlots.release(id);
      const actions = new Set(keys.map((k) => index.byRef.get(k.split(':')[0] ?? '')?.resource_ref));
      for (const ref of actions) if (ref !== undefined) await this.wake(ref, index, new Set(keys));
    }
    if (index.retry.size > 0) await this.#retry(id, index);
  }

  /**
   * Requests again the delayed executions of `actionRef` that are due and whose slot key is free
   * (or, with `keys`, is one of the keys just freed): `delayed → requested` by compare-and-set, so
   * of two schedulers waking one, one does.
   */
  async wake(actionRef: string, index: PolicyIndex, keys?: ReadonlySet<string>): Promise<number> {
    const { items } = await this.#d.store.executions.list({
      status: 'delayed',
      action: actionRef,
      order: 'asc',
      limit: SWEEP_LIMIT,
    });
    const policies = index.concurrency.get(actionRef) ?? [];
    let woken = 0;
    for (const e of items) {
      if (!isDue(e)) continue;
      if (keys && policies.length > 0 && !policies.some((p) => keys.has(this.slotKey(p, e)))) continue;
      if (await this.#request(e)) woken++;
      // A freed slot is for one waiting execution per key; the sweep catches up on the rest.
      if (keys && woken >= keys.size) break;
    }
    return woken;
  }

  async #request(e: Execution): Promise<boolean> {
    const { store, events, bus } = this.#d;
    const r = await store.executions.update(
      e.id,
      { expect: { status: 'delayed' } },
      { status: 'requested', appendLog: { status: 'requested', timestamp: new Date().toISOString() } },
    );
    if (!r) return false;
    events.updated(r);
    await bus.publish('execution.requested', { id: e.id });
    return true;
  }

  /**
   * The scheduler's periodic look at delayed executions: those whose delay is over and that no
   * concurrency policy holds back (a slot is free, or the policy is gone) are requested again.
   * Catches what a lost completion message would have woken.
   */
  async sweep(): Promise<number> {
    const { items } = await this.#d.store.executions.list({ status: 'delayed', order: 'asc', limit: SWEEP_LIMIT });
    if (items.length === 0) return 0;
    const index = await this.index();
    let woken = 0;
    const full = new Set<string>();
    for (const e of items) {
      if (!isDue(e)) continue;
      let blocked = false;
      for (const p of index.concurrency.get(e.action.ref) ?? []) {
        const key = this.slotKey(p, e);
        if (full.has(key)) {
          blocked = true;
          break;
        }
        const held = await this.#d.store.policySlots.list(key);
        if (held.length >= num(p.parameters.threshold, 10) && !(await this.#freeStale(key))) {
          full.add(key);
          blocked = true;
          break;
        }
      }
      if (!blocked && (await this.#request(e))) woken++;
    }
    return woken;
  }

  async #retry(id: string, index: PolicyIndex): Promise<void> {
    const e = await this.#d.store.executions.get(id);
    if (!e || e.parent !== undefined) return; // a workflow's task retries through the workflow
    const on = e.status === 'failed' ? 'failure' : e.status === 'timeout' ? 'timeout' : undefined;
    const policy = (index.retry.get(e.action.ref) ?? []).find((p) => p.parameters.retry_on === on);
    if (!on || !policy) return;
    const previous = (policiesOf(e).retry ?? {}) as JsonObject;
    const count = num(previous.retry_count, 0);
    if (count >= num(policy.parameters.max_retry_count, 2)) return;
    try {
      // The same parameters, secrets included (it is the same user's request, run again).
      const next = await this.#d.executions.rerun(e.id, {
        user: e.context.user,
        maySeeSecrets: true,
        retry: {
          // Derived from the execution it retries: a redelivered completion requests it once.
          id: derivedId(e.id, 'policy-retry'),
          context: {
            policies: {
              ...policiesOf(e),
              retry: { applied_policy: policy.ref, retry_count: count + 1, retried_liveaction_id: e.id },
            },
          },
          delay: num(policy.parameters.delay, 0) * 1000,
        },
      });
      metrics.policyApplied('action.retry', 'retried');
      this.#log.info('execution retried by policy', {
        executionId: e.id,
        retry: next.id,
        policy: policy.ref,
        attempt: count + 1,
      });
    } catch (err) {
      if (err instanceof SquallError && err.code === 'SQ_CONFLICT') return;
      this.#log.warn('retry by policy failed', {
        executionId: e.id,
        policy: policy.ref,
        error: (err as Error).message,
      });
    }
  }
}

function policiesOf(e: Execution): JsonObject {
  const p = e.context.policies;
  return typeof p === 'object' && p !== null && !Array.isArray(p) ? (p as JsonObject) : {};
}

function isDue(e: Execution, now = Date.now()): boolean {
  return e.delay === undefined || Date.parse(e.start_timestamp) + e.delay <= now;
}
