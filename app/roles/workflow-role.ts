import { isSoleProcess } from '../presets.js';
import { consumerGroup, type Role } from './role.js';

/**
 * The workflow engine: feeds each finished child execution to its workflow's conductor and hands out
 * the next tasks, follows pause, resume and cancel, and ends the workflow execution. In embedded
 * mode it first brings every workflow a previous process left running up to date.
 */
export const workflowRole: Role = {
  name: 'workflow',
  summary: 'runs orquesta workflows: next tasks on each task completion, pause, resume, cancel',
  queues: ['execution.completed', 'workflow.changed', 'execution.pending'],
  // The queues were named when the role was `workflows`; renaming them would strand work on running brokers.
  group: 'workflows',
  async start(ctx) {
    const { store, bus, logger, workflows, inquiries, config } = ctx.core;
    const group = consumerGroup(workflowRole);
    const isWorkflow = async (id: string) => (await store.workflows.get(id)) !== undefined;
    const subs = [
      // Most completions are of executions outside any workflow: the message says so, no read needed.
      await bus.consume(
        'execution.completed',
        group,
        async ({ id, parent }) => (parent === null ? undefined : workflows.childCompleted(id)),
        { prefetch: 64 },
      ),
      await bus.consume('workflow.changed', group, async ({ id }) => workflows.step(id)),
      await bus.consume('execution.pending', group, async ({ id }) => workflows.childPending(id)),
      await bus.subscribe('execution.cancel', async ({ id }) => {
        if (await isWorkflow(id)) await workflows.step(id);
      }),
    ];
    // Times out unanswered inquiries; every workflows process may run it (each end is a compare-and-set).
    const sweep = inquiries.startSweep(config.inquiries.sweepMs);
    ctx.afterStart(async () => {
      if (!isSoleProcess(config)) return;
      const n = await workflows.recover();
      if (n > 0) logger.info('recovered workflows left by a previous run', { workflows: n });
    });
    return {
      async stop() {
        sweep.stop();
        await Promise.all(subs.map((s) => s.cancel()));
        workflows.stop();
      },
    };
  },
};
