import type { Bus, Subscription } from '../bus/bus.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import type { ExecutionEvents } from './status-events.js';

/**
 * The scheduler role: moves `requested` executions to `scheduled` and hands them to the runners.
 * This is where pre-run policies (concurrency, delays) will sit. Any number of schedulers may run:
 * the compare-and-set lets exactly one of them schedule a given execution.
 */
export async function startScheduler(deps: {
  store: Store;
  bus: Bus;
  logger: Logger;
  events: ExecutionEvents;
  prefetch?: number;
  /** The work-queue group it consumes under (named by app/'s role table, so every process agrees). */
  group: string;
}): Promise<Subscription> {
  const { store, bus, events } = deps;
  const log = deps.logger.child({ component: 'scheduler' });
  return bus.consume(
    'execution.requested',
    deps.group,
    async ({ id }) => {
      const ts = new Date().toISOString();
      const e = await store.executions.update(
        id,
        { expect: { status: 'requested' } },
        { status: 'scheduled', appendLog: { status: 'scheduled', timestamp: ts } },
      );
      if (!e) {
        // Already scheduled (a re-published message) or canceled meanwhile: nothing to do.
        log.debug('execution not in requested state; skipped', { executionId: id });
        return;
      }
      events.updated(e);
      await bus.publish('execution.scheduled', { id });
    },
    { prefetch: deps.prefetch ?? 256 },
  );
}
