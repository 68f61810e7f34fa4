import { consumerGroup, type Role } from './role.js';

/** Applies each finished execution's `notify` once and emits StackStorm's action and notify triggers. */
export const notifierRole: Role = {
  name: 'notifier',
  summary: 'notifications and triggers for finished executions',
  queues: ['execution.completed'],
  async start(ctx) {
    const { NotifierSweep, startNotifier } = await import('../../engine/notifier/notifier.js');
    const { store, bus, runners, logger } = ctx.core;
    const sub = await startNotifier({ store, bus, runners, logger, group: consumerGroup(notifierRole) });
    const sweep = new NotifierSweep({ store, bus, logger });
    // After every consumer is attached: on the in-process bus a re-published message needs its consumer.
    ctx.afterStart(async () => sweep.start());
    return {
      stop: async () => {
        sweep.stop();
        await sub.cancel();
      },
    };
  },
};
