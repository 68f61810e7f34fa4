import { isSoleProcess } from '../presets.js';
import { consumerGroup, type Role } from './role.js';

/**
 * The rules engine: matches stored trigger instances against the enabled rules and starts their
 * actions, recording each enforcement. It also sweeps instances left `pending` or `processing`
 * (a lost message, a consumer that died); in embedded mode this process is the only rules engine,
 * so once every consumer is attached it first hands out again whatever a previous process left.
 */
export const rulesRole: Role = {
  name: 'rules',
  summary: 'matches trigger instances against rules and starts their actions',
  queues: ['trigger.instance'],
  async start(ctx) {
    const { startRulesEngine } = await import('../../engine/rules/rules-engine.js');
    const { TriggerInstanceSweeper } = await import('../../engine/triggers/trigger-instance-sweeper.js');
    const { store, bus, executions, logger, kv, config } = ctx.core;
    const engine = await startRulesEngine({
      store,
      bus,
      executions,
      logger,
      kv: { lookup: kv.lookup, decrypt: kv.decrypt },
      group: consumerGroup(rulesRole),
    });
    const sweeper = new TriggerInstanceSweeper({ store, bus, logger });
    ctx.afterStart(async () => {
      if (isSoleProcess(config)) await sweeper.sweep({ olderThanMs: 0 });
      sweeper.start();
    });
    return {
      async stop() {
        sweeper.stop();
        await engine.stop();
      },
    };
  },
};
