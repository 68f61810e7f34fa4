import { SquallError } from '../errors.js';
import type { WorkflowEngine } from '../workflows/runtime/workflow-engine.js';
import type { Runner, RunOutcome } from './runner.js';

/**
 * `orquesta`: the action's entry point is a workflow (`actions/workflows/*.yaml`). `run` stores the
 * workflow and requests its first tasks, then hands the execution over to the workflow engine,
 * which ends it when the conductor is done.
 */
export function createOrquestaRunner(engine: () => WorkflowEngine | undefined): Runner {
  return {
    name: 'orquesta',
    description: 'Runs an Orquesta workflow: each task is a child execution.',
    parameters: {},
    handsOver: true,
    async run(ctx): Promise<RunOutcome> {
      const wf = engine();
      if (wf === undefined) return { status: 'failed', result: { error: 'The workflow engine is not available.' } };
      try {
        await wf.start(ctx.execution, ctx.pack);
        return { status: 'running', result: {} };
      } catch (e) {
        if (e instanceof SquallError && e.code === 'SQ_VALIDATION')
          return { status: 'failed', result: { error: e.message } };
        throw e;
      }
    },
  };
}
