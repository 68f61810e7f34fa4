import type { Role } from './role.js';

/**
 * Interval, cron and date timers of the enabled rules. One process of a deployment runs it, the one
 * holding the `role:timers` lease; another takes over within a lease TTL when it stops or dies.
 */
export const timersRole: Role = {
  name: 'timers',
  summary: 'fires interval, date and cron timers (one process at a time, under a lease)',
  singleton: 'lease',
  async start(ctx) {
    const { startTimers } = await import('../../engine/timers/timers.js');
    const { store, bus, triggers, logger } = ctx.core;
    return startTimers({ store, bus, triggers, logger });
  },
};
