/** A workflow's task as the graph shows it: a child execution of the workflow. */
export interface TaskNode {
  id: string;
  name: string;
  status: string;
  start: string;
  end?: string;
}

interface Child {
  id: string;
  status: string;
  start_timestamp: string;
  end_timestamp?: string;
  parent?: string;
  action: { ref: string };
  context?: Record<string, unknown>;
}

/** The task name Orquesta gave a child (`context.orquesta.task_name`), else its action. */
export function taskName(c: Child): string {
  const orq = c.context?.orquesta as { task_name?: unknown; item_id?: unknown } | undefined;
  if (typeof orq?.task_name === 'string') {
    return orq.item_id !== undefined ? `${orq.task_name}[${String(orq.item_id)}]` : orq.task_name;
  }
  return c.action.ref;
}

/**
 * The workflow's direct tasks in columns: a task joins the current column when it started before
 * every task there had ended (they ran side by side), else it opens the next column, so the graph
 * reads left to right in the order the tasks ran.
 */
export function graphColumns(workflowId: string, children: Child[]): TaskNode[][] {
  const tasks = children
    .filter((c) => c.parent === workflowId)
    .map<TaskNode>((c) => ({
      id: c.id,
      name: taskName(c),
      status: c.status,
      start: c.start_timestamp,
      ...(c.end_timestamp ? { end: c.end_timestamp } : {}),
    }))
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || a.id.localeCompare(b.id));
  const columns: TaskNode[][] = [];
  for (const t of tasks) {
    const current = columns.at(-1);
    const started = Date.parse(t.start);
    const overlaps = current?.some((o) => o.end === undefined || Date.parse(o.end) > started) === true;
    if (current && overlaps) current.push(t);
    else columns.push([t]);
  }
  return columns;
}
