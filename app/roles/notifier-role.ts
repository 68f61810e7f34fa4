import { consumerGroup, type Role } from './role.js';

/** Applies each finished execution's `notify` once and emits StackStorm's action and notify triggers. */
export const notifierRole: Role = {
  name: 'notifier',
  summary: 'notifications and triggers for finished executions',
  queues: ['execution.completed'],
  async start(ctx) {
    const { startNotifier } = await import('../../engine/notifier/notifier.js');
    const { store, bus, runners, logger } = ctx.core;
    const sub = await startNotifier({ store, bus, runners, logger, group: consumerGroup(notifierRole) });
    return { stop: () => sub.cancel() };
  },
};
