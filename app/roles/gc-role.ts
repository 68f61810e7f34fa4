import type { Role } from './role.js';

/**
 * Garbage collection (`gc:` in squall.yaml): deletes finished executions, output, trigger instances,
 * enforcements and stream events past their retention. One process of a deployment runs it, the one
 * holding the `role:gc` lease; another takes over within a lease TTL when it stops or dies.
 */
export const gcRole: Role = {
  name: 'gc',
  summary: 'deletes records past their retention (one process at a time, under a lease)',
  singleton: 'lease',
  async start(ctx) {
    const { GarbageCollector, startGarbageCollection } = await import('../../engine/gc/garbage-collector.js');
    const { store, logger, config } = ctx.core;
    const collector = new GarbageCollector({ store, logger, retention: config.gc.retention });
    return startGarbageCollection({ collector, everyMs: config.gc.intervalMs, logger });
  },
};
