import { taskLabel } from '../engine/workflows/task-position.js';
import type { ApiClient } from './api-client.js';
import { type ExecutionJson, formatDuration, isTerminalStatus } from './execution-view.js';
import { type Colors, colorStatus } from './output.js';

/** One task of a workflow as `squall execution get` shows it, with a sub-workflow's own tasks. */
export interface TaskNode {
  readonly execution: ExecutionJson;
  readonly children: TaskNode[];
}

const PAGE = 100;
/** Sub-workflows deeper than this are listed but not opened. */
const MAX_DEPTH = 5;

/** The child executions of `id` (GET /api/v1/executions?parent=ID), oldest first, sub-workflows opened. */
export async function loadTaskTree(api: ApiClient, id: string, depth = 0): Promise<TaskNode[]> {
  const all: ExecutionJson[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await api.list<ExecutionJson>('/api/v1/executions', {
      parent: id,
      limit: String(PAGE),
      offset: String(offset),
    });
    all.push(...page.items);
    if (page.items.length < PAGE) break;
  }
  all.sort((a, b) => (a.start_timestamp ?? '').localeCompare(b.start_timestamp ?? '') || a.id.localeCompare(b.id));
  return Promise.all(
    all.map(async (e) => ({
      execution: e,
      children: depth < MAX_DEPTH && (e.children?.length ?? 0) > 0 ? await loadTaskTree(api, e.id, depth + 1) : [],
    })),
  );
}

/** `├─ ✔ task[item] action status took id` lines, indented per sub-workflow. */
export function renderTaskTree(c: Colors, nodes: readonly TaskNode[], indent = ''): string[] {
  const lines: string[] = [];
  nodes.forEach((n, i) => {
    const last = i === nodes.length - 1;
    const e = n.execution;
    const name = taskLabel({ context: e.context ?? { user: '' } });
    const mark = e.status === 'succeeded' ? c.green('✔') : isTerminalStatus(e.status) ? c.red('✖') : c.cyan('…');
    const took = formatDuration(e);
    const parts = [
      mark,
      c.bold(name),
      e.action?.ref ?? '',
      colorStatus(c, e.status),
      took ? `${took}` : '',
      c.dim(e.id),
    ];
    lines.push(`${indent}${last ? '└─' : '├─'} ${parts.filter(Boolean).join('  ')}`);
    lines.push(...renderTaskTree(c, n.children, `${indent}${last ? '   ' : '│  '}`));
  });
  return lines;
}
