import { SquallError } from '../errors.js';
import type { ParamSpecs } from '../model/action.js';
import type { WorkflowEngine } from '../workflows/runtime/workflow-engine.js';
import type { Runner, RunOutcome } from './runner.js';

/**
 * `orquesta`: the action's entry point is a workflow (`actions/workflows/*.yaml`). `run` stores the
 * workflow and requests its first tasks, then hands the execution over to the workflow engine,
 * which ends it when the conductor is done.
 */
export function createOrquestaRunner(engine: () => WorkflowEngine | undefined): Runner {
  return flowRunner('orquesta', 'Runs an Orquesta workflow: each task is a child execution.', {}, engine);
}

/**
 * `action-chain`: StackStorm's older linear workflow (`actions/chains/*.yaml`), on the same engine:
 * each task is a child execution, the next one chosen by `on-success` / `on-failure`.
 */
export function createActionChainRunner(engine: () => WorkflowEngine | undefined): Runner {
  return flowRunner(
    'action-chain',
    'Runs an action-chain: its tasks one after another, each a child execution.',
    {
      skip_notify: { type: 'array', description: 'Tasks whose executions send no notification.', default: [] },
      display_published: {
        type: 'boolean',
        description: 'Show the published variables in the result, under `published`.',
        default: true,
      },
    },
    engine,
  );
}

function flowRunner(
  name: string,
  description: string,
  parameters: ParamSpecs,
  engine: () => WorkflowEngine | undefined,
): Runner {
  return {
    name,
    description,
    parameters,
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
