import type { Execution } from '../../engine/model/execution.js';
import type { Store } from '../../engine/store/store.js';
import { taskLabel } from '../../engine/workflows/task-position.js';
import { durationText } from '../../lib/duration-text.js';
import { resultOutput } from './render-result.js';

/** More tasks than this are counted, not listed (a with-items of 10,000). */
const LISTED = 15;
/** How much of a failed task's error a summary quotes. */
const ERROR_CHARS = 300;
const FAILED = new Set(['failed', 'timeout', 'abandoned']);

/** A workflow's tasks (its child executions), oldest first; undefined for an execution with none. */
export async function workflowTasks(store: Store, e: Execution): Promise<Execution[] | undefined> {
  if (e.children.length === 0) return undefined;
  const out: Execution[] = [];
  for (let offset = 0; offset < 10_000; offset += 500) {
    const page = await store.executions.list({ parent: e.id, limit: 500, offset, order: 'asc' });
    out.push(...page.items);
    if (page.items.length < 500) break;
  }
  return out;
}

function mark(status: string): string {
  if (status === 'succeeded') return '✔';
  if (FAILED.has(status)) return '✖';
  if (status === 'canceled') return '⊘';
  return '…';
}

/** Why a task failed, from its result: the error or the end of its output, on a few lines. */
function failure(task: Execution): string {
  const text = resultOutput(task).trim();
  const code = task.result?.return_code;
  if (text === '') return typeof code === 'number' ? `exit code ${code}` : '';
  const short = text.length > ERROR_CHARS ? `…${text.slice(text.length - ERROR_CHARS)}` : text;
  return short.replace(/\n/g, '\n    ');
}

/**
 * A workflow's tasks for a chat result: how many ended how, every task when there are few, and each
 * failed task with its error (the first thing a person asks about a failed workflow).
 */
export function taskSummary(tasks: readonly Execution[]): string {
  const counts = new Map<string, number>();
  for (const t of tasks) counts.set(t.status, (counts.get(t.status) ?? 0) + 1);
  const tally = [...counts.entries()].map(([s, n]) => `${n} ${s}`).join(', ');
  const lines = [`Tasks: ${tasks.length} (${tally})`];
  const failed = tasks.filter((t) => FAILED.has(t.status));
  const shown = tasks.length <= LISTED ? tasks : failed.slice(0, LISTED);
  for (const t of shown) {
    const took = t.end_timestamp ? durationText(Date.parse(t.end_timestamp) - Date.parse(t.start_timestamp)) : '';
    lines.push(`${mark(t.status)} ${taskLabel(t)}  ${t.action.ref}  ${t.status}${took ? `  ${took}` : ''}`);
    const why = FAILED.has(t.status) ? failure(t) : '';
    if (why) lines.push(`    ${why}`);
  }
  if (shown.length < failed.length) lines.push(`… and ${failed.length - shown.length} more failed`);
  return lines.join('\n');
}

/** A workflow's task tree, sub-workflows opened (a few levels), for `!show execution`. */
export async function taskTree(store: Store, e: Execution, indent = '', depth = 0): Promise<string[]> {
  const tasks = (await workflowTasks(store, e)) ?? [];
  const lines: string[] = [];
  for (const [i, t] of tasks.entries()) {
    const last = i === tasks.length - 1;
    const took = t.end_timestamp ? durationText(Date.parse(t.end_timestamp) - Date.parse(t.start_timestamp)) : '';
    lines.push(
      `${indent}${last ? '└─' : '├─'} ${mark(t.status)}  ${taskLabel(t)}  ${t.action.ref}  ${t.status}${took ? `  ${took}` : ''}  ${t.id}`,
    );
    if (FAILED.has(t.status) && t.children.length === 0) {
      const why = failure(t);
      if (why) lines.push(`${indent}${last ? '   ' : '│  '}   ${why.replace(/\n {4}/g, `\n${indent}      `)}`);
    }
    if (depth < 4 && t.children.length > 0)
      lines.push(...(await taskTree(store, t, `${indent}${last ? '   ' : '│  '}`, depth + 1)));
    if (lines.length > 200) {
      lines.push(`${indent}… (${tasks.length} tasks)`);
      break;
    }
  }
  return lines;
}
