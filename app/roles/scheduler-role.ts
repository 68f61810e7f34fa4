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
  // execution.completed: a finished execution frees its concurrency slots and may be retried.
  queues: ['execution.requested', 'execution.completed'],
  async start(ctx) {
    const { startScheduler } = await import('../../engine/executions/scheduler.js');
    const { Sweeper } = await import('../../engine/executions/sweeper.js');
    const { Housekeeping } = await import('../../engine/housekeeping.js');
    const { PolicyEnforcer } = await import('../../engine/policies/policy-enforcer.js');
    const { store, bus, logger, stream, waiters, config, runners } = ctx.core;
    const sweeper = new Sweeper({
      store,
      bus,
      logger,
      events: stream,
      waiters,
      requeueAfterMs: config.executions.requeueAfterMs,
      abandonAfterMs: config.executions.abandonAfterMs,
      sweepMs: config.executions.sweepMs,
      handedOver: new Set(
        runners
          .list()
          .filter((r) => r.handsOver === true)
          .map((r) => r.name),
      ),
    });
    const policies = new PolicyEnforcer({
      store,
      bus,
      events: stream,
      waiters,
      logger,
      executions: ctx.core.executions,
    });
    const sub = await startScheduler({
      store,
      bus,
      logger,
      events: stream,
      group: consumerGroup(schedulerRole),
      policies,
    });
    // Delayed executions whose delay is over, or whose slot freed without a message reaching us.
    const policySweep = setInterval(
      () => {
        policies.sweep().catch((e: unknown) => logger.warn('policy sweep failed', { error: (e as Error).message }));
      },
      Math.min(config.executions.sweepMs, 1000),
    );
    policySweep.unref();
    const housekeeping = new Housekeeping({ store, logger });
    ctx.afterStart(async () => {
      if (isSoleProcess(config)) {
        // Abandon before the runner starts claiming (its fresh runs are not a dead process's), and
        // requeue after it subscribes (the in-process bus drops what nobody consumes yet).
        const { abandoned } = await sweeper.sweep({ abandonOlderThanMs: 0, only: 'abandon' });
        ctx.afterStart(async () => {
          const { requeued } = await sweeper.sweep({ requeueOlderThanMs: 0, only: 'requeue' });
          if (requeued + abandoned > 0) logger.info('recovered work left by a previous run', { requeued, abandoned });
        });
      }
      sweeper.start();
      housekeeping.start();
    });
    return {
      async stop() {
        clearInterval(policySweep);
        housekeeping.stop();
        sweeper.stop();
        await sweeper.settled();
        await sub.cancel();
      },
    };
  },
};
