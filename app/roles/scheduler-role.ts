import { isSoleProcess } from '../presets.js';
import { consumerGroup, type Role } from './role.js';

/**
 * Moves requested executions to the runners, and runs the sweeper (lost messages, dead runners) and
 * housekeeping. In embedded mode this process is the only runner, so once every consumer is
 * attached it first recovers what a previous process left: `requested`/`scheduled` work is queued
 * again and `running` work (whose process is gone) is marked abandoned.
 */
export const schedulerRole: Role = {
  name: 'scheduler',
  summary: 'schedules requested executions; sweeps lost and abandoned work',
  queues: ['execution.requested'],
  async start(ctx) {
    const { startScheduler } = await import('../../engine/executions/scheduler.js');
    const { Sweeper } = await import('../../engine/executions/sweeper.js');
    const { Housekeeping } = await import('../../engine/housekeeping.js');
    const { store, bus, logger, stream, waiters, config } = ctx.core;
    const sweeper = new Sweeper({
      store,
      bus,
      logger,
      events: stream,
      waiters,
      requeueAfterMs: config.executions.requeueAfterMs,
      abandonAfterMs: config.executions.abandonAfterMs,
      sweepMs: config.executions.sweepMs,
    });
    const sub = await startScheduler({ store, bus, logger, events: stream, group: consumerGroup(schedulerRole) });
    const housekeeping = new Housekeeping({ store, logger });
    ctx.afterStart(async () => {
      if (isSoleProcess(config)) {
        const recovered = await sweeper.sweep({ requeueOlderThanMs: 0, abandonOlderThanMs: 0 });
        if (recovered.requeued + recovered.abandoned > 0)
          logger.info('recovered work left by a previous run', recovered);
      }
      sweeper.start();
      housekeeping.start();
    });
    return {
      async stop() {
        housekeeping.stop();
        sweeper.stop();
        await sub.cancel();
      },
    };
  },
};
