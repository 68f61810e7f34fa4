import type { Bus, Subscription } from '../bus/bus.js';
import type { Logger } from '../logger.js';
import { type Execution, isTerminal } from '../model/execution.js';
import type { PolicyEnforcer } from '../policies/policy-enforcer.js';
import type { Store } from '../store/store.js';
import type { ExecutionEvents } from './status-events.js';

/**
 * The scheduler role: moves `requested` executions to `scheduled` and hands them to the runners,
 * applying the actions' policies on the way (engine/policies/). Any number of schedulers may run:
 * the compare-and-set lets exactly one of them schedule a given execution, and concurrency slots
 * are compare-and-set rows of the store, so limits hold across all of them.
 */
export async function startScheduler(deps: {
  store: Store;
  bus: Bus;
  logger: Logger;
  events: ExecutionEvents;
  prefetch?: number;
  /** The work-queue group it consumes under (named by app/'s role table, so every process agrees). */
  group: string;
  /** Applies policies; without it every execution is scheduled as it comes. */
  policies?: PolicyEnforcer;
}): Promise<Subscription> {
  const { store, bus, events, policies } = deps;
  const log = deps.logger.child({ component: 'scheduler' });

  async function schedule(id: string, from?: Execution): Promise<void> {
    const ts = new Date().toISOString();
    const e = await store.executions.update(
      id,
      { expect: { status: 'requested' } },
      { status: 'scheduled', appendLog: { status: 'scheduled', timestamp: ts } },
    );
    if (!e) {
      // Already scheduled (a re-published message) or canceled meanwhile: nothing to do.
      log.debug('execution not in requested state; skipped', { executionId: id });
      // Canceled meanwhile: its slot is not needed. Scheduled by a redelivery of the same message
      // (the same holder took the same slot): the slot is the run's and stays until it ends.
      if (from && policies) {
        const now = await store.executions.get(id);
        if (!now || isTerminal(now.status)) await store.policySlots.release(id);
      }
      return;
    }
    events.updated(e);
    await bus.publish('execution.scheduled', { id });
  }

  const requested = await bus.consume(
    'execution.requested',
    deps.group,
    async ({ id }) => {
      const index = policies ? await policies.index() : undefined;
      // No concurrency policy anywhere: the hot path reads nothing before its compare-and-set.
      if (!policies || !index || index.concurrency.size === 0) return schedule(id);
      const e = await store.executions.get(id);
      if (e?.status !== 'requested') return;
      const limits = index.concurrency.get(e.action.ref);
      if (!limits) return schedule(id);
      const admission = await policies.admit(e, limits);
      if (admission.run) return schedule(id, e);
      await policies.refuse(e, admission);
    },
    { prefetch: deps.prefetch ?? 256 },
  );
  const completed = policies
    ? await bus.consume('execution.completed', deps.group, async ({ id }) => policies.completed(id), {
        prefetch: deps.prefetch ?? 256,
      })
    : undefined;
  return {
    async cancel() {
      await requested.cancel();
      await completed?.cancel();
    },
  };
}
