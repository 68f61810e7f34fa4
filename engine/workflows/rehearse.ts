import { SquallError } from '../errors.js';
import type { TaskStatus, WorkflowError, WorkflowStatus } from './conductor/conductor-state.js';
import { WorkflowConductor } from './conductor/workflow-conductor.js';
import { formatProblem } from './spec/spec-types.js';
import { validateWorkflow } from './spec/validate-spec.js';

/** A scripted action result: consumed in order per task, and per item for with-items. */
export interface ScriptedResult {
  readonly task: string;
  readonly item?: number;
  readonly status?: TaskStatus;
  readonly result?: unknown;
}

/** The rehearsal file: the workflow, its input, and what each action returns. */
export interface Rehearsal {
  readonly workflow: unknown;
  readonly input?: Record<string, unknown>;
  readonly action_results?: readonly ScriptedResult[];
  /** Datastore values for `st2kv()` (a Squall addition: rehearsal has no datastore). */
  readonly st2kv?: Record<string, unknown>;
}

export interface DispatchedAction {
  readonly task: string;
  readonly item?: number;
  readonly action: string;
  readonly input: Record<string, unknown>;
}

export interface RehearsalResult {
  readonly status: WorkflowStatus;
  readonly output: Record<string, unknown> | null;
  /** Task names in the order they started (engine commands included, `__r<n>` off route 0). */
  readonly sequence: string[];
  readonly dispatched: DispatchedAction[];
  /** As st2 shows them: only when the workflow failed. */
  readonly errors: WorkflowError[];
}

/** Bounds a rehearsal of a workflow that loops forever on its scripted results. */
const MAX_STEPS = 10_000;
const STATUSES = new Set(['succeeded', 'failed', 'timeout', 'abandoned', 'canceled', 'pending']);

/**
 * Runs a workflow definition against scripted action results, with no side effects, stepping as
 * orquesta's rehearsal does: take every next task (sorted by name), start them all, then complete
 * them in that order, and repeat.
 *
 * @throws SquallError SQ_VALIDATION when the file or the workflow is invalid
 */
export function rehearse(file: Rehearsal): RehearsalResult {
  const { spec, problems } = validateWorkflow(file.workflow);
  if (spec === undefined || problems.length > 0) {
    throw new SquallError('SQ_VALIDATION', `the workflow is invalid:\n${problems.map(formatProblem).join('\n')}`, {
      details: { problems },
    });
  }
  const queues = scriptQueues(file.action_results ?? []);
  const kv = file.st2kv ?? {};
  const conductor = WorkflowConductor.start(spec, file.input ?? {}, {
    services: { st2kv: (key) => (Object.hasOwn(kv, key) ? kv[key] : undefined) },
  });
  const dispatched: DispatchedAction[] = [];
  for (let step = 0; ; step++) {
    if (step >= MAX_STEPS)
      throw new SquallError('SQ_VALIDATION', `the rehearsal did not finish within ${MAX_STEPS} steps`);
    const next = conductor.dispatchNext();
    if (next.length === 0) break;
    for (const t of next) {
      for (const a of t.actions) {
        dispatched.push({
          task: t.id,
          ...(a.item === undefined ? {} : { item: a.item }),
          action: a.action,
          input: a.input,
        });
        conductor.updateTask(t.id, t.route, { status: 'running', ...(a.item === undefined ? {} : { item: a.item }) });
      }
    }
    for (const t of next) {
      for (const a of t.actions) {
        const scripted = take(queues, t.id, a.item);
        conductor.updateTask(t.id, t.route, {
          status: scripted?.status ?? 'succeeded',
          result: scripted?.result ?? null,
          ...(a.item === undefined ? {} : { item: a.item }),
        });
      }
    }
  }
  const status = conductor.status;
  return {
    status,
    output: conductor.state.output,
    sequence: conductor.sequence(),
    dispatched,
    errors: status === 'failed' ? conductor.state.errors : [],
  };
}

function scriptQueues(results: readonly ScriptedResult[]): Map<string, ScriptedResult[]> {
  const queues = new Map<string, ScriptedResult[]>();
  results.forEach((r, i) => {
    if (typeof r?.task !== 'string' || r.task === '') {
      throw new SquallError('SQ_VALIDATION', `action_results[${i}].task: is required`);
    }
    if (r.status !== undefined && !STATUSES.has(r.status)) {
      throw new SquallError('SQ_VALIDATION', `action_results[${i}].status: must be one of ${[...STATUSES].join(', ')}`);
    }
    if (r.item !== undefined && (!Number.isInteger(r.item) || r.item < 0)) {
      throw new SquallError('SQ_VALIDATION', `action_results[${i}].item: must be a whole number`);
    }
    const key = r.item === undefined ? r.task : `${r.task}#${r.item}`;
    queues.set(key, [...(queues.get(key) ?? []), r]);
  });
  return queues;
}

/** Per-item results first, then the task's own queue; nothing scripted means success with null. */
function take(
  queues: Map<string, ScriptedResult[]>,
  task: string,
  item: number | undefined,
): ScriptedResult | undefined {
  if (item !== undefined) {
    const own = queues.get(`${task}#${item}`);
    if (own !== undefined && own.length > 0) return own.shift();
  }
  return queues.get(task)?.shift();
}
