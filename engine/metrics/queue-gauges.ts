import type { ExecutionStatus } from '../model/execution.js';
import type { Store } from '../store/store.js';
import { queueAge, queueDepth } from './metrics.js';

/** Statuses counted as waiting to run in `squall_execution_queue_depth`. */
const WAITING: readonly ExecutionStatus[] = ['requested', 'delayed', 'scheduled'];

/**
 * Reads the execution queue from the store when `/metrics` is scraped: the store is shared, so every
 * process reports the deployment's queue, and the hot path pays nothing for it.
 */
export async function refreshQueueGauges(store: Store, now = Date.now()): Promise<void> {
  for (const status of WAITING) {
    const { total } = await store.executions.list({ status, limit: 0 });
    queueDepth.set({ status }, total);
  }
  const oldest = await store.executions.list({ status: ['requested', 'scheduled'], order: 'asc', limit: 1 });
  const first = oldest.items[0];
  queueAge.set(first ? Math.max(0, (now - Date.parse(first.start_timestamp)) / 1000) : 0);
}
