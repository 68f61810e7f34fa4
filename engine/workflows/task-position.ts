import type { Execution } from '../model/execution.js';

/** Where a child execution sits in its workflow (st2 records it under `context.orquesta` or `context.chain`). */
export interface TaskPosition {
  readonly workflow_execution_id: string;
  readonly task_name: string;
  readonly task_id: string;
  readonly route: number;
  readonly item_id?: number;
}

/** The context keys of each workflow kind's children, orquesta's first. */
const POSITION_KEYS = ['orquesta', 'chain'] as const;

/** A child's position in its workflow, whichever kind it is; undefined for an execution that is not a task. */
export function taskPosition(child: Pick<Execution, 'context'>): TaskPosition | undefined {
  for (const key of POSITION_KEYS) {
    const p = child.context?.[key] as TaskPosition | undefined;
    if (p !== undefined && typeof p === 'object' && p !== null && typeof p.task_id === 'string') return p;
  }
  return undefined;
}

/** A task as views name it: `name`, `name[item]` for with-items, `name (route 2)` off the main route. */
export function taskLabel(child: Pick<Execution, 'context'>): string {
  const p = taskPosition(child);
  if (p === undefined) return '?';
  return `${p.task_name}${p.item_id === undefined ? '' : `[${p.item_id}]`}${p.route ? ` (route ${p.route})` : ''}`;
}
