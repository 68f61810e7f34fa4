import { SquallError } from '../../errors.js';
import type { Execution, ExecutionStatus } from '../../model/execution.js';
import type { JsonObject } from '../../model/json.js';
import { ChainConductor, type ChainState, chainKvKeys } from '../chain/chain-conductor.js';
import { type ChainSpec, parseChain } from '../chain/chain-spec.js';
import type { ConductorState, TaskStatus, WorkflowStatus } from '../conductor/conductor-state.js';
import { type TaskDispatch, type TaskEvent, WorkflowConductor } from '../conductor/workflow-conductor.js';
import { formatProblem, type WorkflowSpec } from '../spec/spec-types.js';
import { validateWorkflow } from '../spec/validate-spec.js';

/** What the workflow engine needs of a conductor: the same for orquesta and action-chain. */
export interface FlowConductor {
  readonly state: {
    status: WorkflowStatus;
    readonly tasks: readonly FlowTask[];
    readonly outputRendered: boolean;
  };
  readonly status: WorkflowStatus;
  dispatchNext(): TaskDispatch[];
  updateTask(id: string, route: number, event: TaskEvent): void;
  pause(): void;
  resume(): void;
  cancel(): void;
}

interface FlowTask {
  readonly id: string;
  readonly route: number;
  readonly status: TaskStatus;
  readonly items?: readonly unknown[];
  readonly retry?: { readonly tally: number };
}

/** Datastore lookups a conductor gets, read before each step. */
export interface FlowServices {
  readonly st2kv?: (key: string, decrypt: boolean) => unknown;
  readonly decrypt?: (stored: string) => string;
}

/**
 * A kind of workflow the engine runs: a row per runner type whose executions are flows of child
 * executions. The engine stores, steps, recovers, pauses and cancels them all the same way.
 */
export interface FlowKind {
  readonly runner: string;
  /** The key of a child's context that holds its TaskPosition (st2: `orquesta`, `chain`). */
  readonly contextKey: string;
  /** @throws SquallError SQ_VALIDATION naming the file and each problem */
  parse(source: string, file: string): unknown;
  start(spec: unknown, e: Execution, services: FlowServices): FlowConductor;
  restore(spec: unknown, state: JsonObject, services: FlowServices): FlowConductor;
  /**
   * A new run of a completed workflow's state from `tasks`, the rest of its results kept.
   * @throws SquallError SQ_BAD_REQUEST saying why it cannot be re-run from them
   */
  rerun(
    spec: unknown,
    previous: JsonObject,
    tasks: readonly string[],
    e: Execution,
    services: FlowServices,
  ): FlowConductor;
  /**
   * The workflow execution's end once the conductor is done; `childId(i)` is the id of task record
   * i's child; `failure` is an error of the run itself (a timeout) to report in the kind's shape.
   */
  end(
    c: FlowConductor,
    childId: (index: number) => string,
    failure?: string,
  ): { status: ExecutionStatus; result: JsonObject };
  /** The datastore keys the definition names literally (`system.x`, `user.x`). */
  kvKeys(definition: string): string[];
  /** Extra context of a child beyond its position (st2's `chain` carries the task's definition). */
  childContext?(spec: unknown, task: string): Record<string, unknown>;
}

const orquesta: FlowKind = {
  runner: 'orquesta',
  contextKey: 'orquesta',
  parse: (source, file) => parseDefinition(source, file),
  start: (spec, e, services) =>
    WorkflowConductor.start(spec as WorkflowSpec, e.parameters, { parentContext: st2Context(e), services }),
  restore: (spec, state, services) =>
    WorkflowConductor.restore(spec as WorkflowSpec, state as unknown as ConductorState, services),
  rerun: (spec, previous, tasks, e, services) =>
    WorkflowConductor.rerun(spec as WorkflowSpec, previous as unknown as ConductorState, tasks, {
      parentContext: st2Context(e),
      services,
    }),
  end(c, _childId, failure) {
    const s = (c as WorkflowConductor).state;
    const result: JsonObject = { output: (s.output ?? null) as JsonObject | null } as JsonObject;
    if (s.status === 'failed') result.errors = s.errors as unknown as JsonObject[];
    if (failure !== undefined) result.errors = [...s.errors, { type: 'error', message: failure }] as JsonObject[];
    return { status: s.status as ExecutionStatus, result };
  },
  kvKeys: (definition) => [...definition.matchAll(/st2kv\(\s*['"]([^'"]+)['"]/g)].map((m) => m[1] as string),
};

const actionChain: FlowKind = {
  runner: 'action-chain',
  contextKey: 'chain',
  parse: (source, file) => parseChain(source, file),
  start: (spec, e, services) =>
    ChainConductor.start(spec as ChainSpec, e.parameters, {
      parent: { execution_id: e.id, ...chainParent(e) },
      services,
    }),
  restore: (spec, state, services) =>
    ChainConductor.restore(spec as ChainSpec, state as unknown as ChainState, services),
  rerun: (spec, previous, tasks, e, services) =>
    ChainConductor.rerun(spec as ChainSpec, previous as unknown as ChainState, tasks, {
      parent: { execution_id: e.id, ...chainParent(e) },
      services,
    }),
  end(c, childId, failure) {
    const s = (c as ChainConductor).state;
    const result: JsonObject = {
      tasks: s.tasks.map((t, i) => ({
        id: t.id,
        name: t.id,
        execution_id: childId(i),
        workflow: null,
        created_at: t.created_at,
        updated_at: t.updated_at,
        state: t.status,
        result: (t.result ?? null) as JsonObject,
      })),
    };
    if (s.input.display_published !== false) result.published = s.published as JsonObject;
    if (s.error !== undefined || failure !== undefined) result.error = failure ?? (s.error as string);
    return { status: s.status as ExecutionStatus, result };
  },
  kvKeys: chainKvKeys,
  childContext(spec, task) {
    const node = (spec as ChainSpec).chain.find((n) => n.name === task);
    return node === undefined ? {} : { name: node.name, ref: node.ref };
  },
};

/** The flow kinds by runner type. */
const FLOW_KINDS: ReadonlyMap<string, FlowKind> = new Map([orquesta, actionChain].map((k) => [k.runner, k]));

/** The kind of a workflow runner, or undefined for a runner that is not one. */
export function flowKind(runner: string): FlowKind | undefined {
  return FLOW_KINDS.get(runner);
}

function chainParent(e: Execution): Record<string, unknown> {
  return {
    user: e.context.user,
    pack: e.action.pack,
    ...(e.context.api_user ? { api_user: e.context.api_user } : {}),
    ...(e.context.source_channel ? { source_channel: e.context.source_channel } : {}),
  };
}

/** `ctx().st2` as st2's orquesta runner builds it. */
function st2Context(e: Execution): Record<string, unknown> {
  const root = (e.context.root as { execution_id: string } | undefined) ?? { execution_id: e.id };
  return {
    st2: {
      action_execution_id: e.id,
      workflow_execution_id: e.id,
      user: e.context.user,
      pack: e.action.pack,
      ...(e.context.api_user ? { api_user: e.context.api_user } : {}),
      ...(e.context.source_channel ? { source_channel: e.context.source_channel } : {}),
    },
    ...(e.context.parent ? { parent: { execution_id: e.context.parent.execution_id, root } } : {}),
  };
}

/** @throws SquallError SQ_VALIDATION naming the file and each problem */
export function parseDefinition(source: string, file: string): WorkflowSpec {
  const { spec, problems } = validateWorkflow(source);
  if (spec === undefined || problems.length > 0) {
    throw new SquallError(
      'SQ_VALIDATION',
      `workflow ${file} is invalid: ${problems.map(formatProblem).join('; ') || 'no tasks'}`,
    );
  }
  return spec;
}
