import type { ExpressionContext } from '../expression-context.js';
import { renderDefinition } from '../expressions.js';
import type { TaskSpec } from '../spec/spec-types.js';

/** A problem rendering part of a task at dispatch; the conductor logs it and fails the workflow. */
export class TaskRenderError extends Error {
  override readonly name = 'TaskRenderError';
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Renders a definition value, turning expression errors into TaskRenderError with orquesta's text. */
function render(value: unknown, ctx: ExpressionContext): unknown {
  try {
    return renderDefinition(value, ctx);
  } catch (e) {
    const entry = (e as { entry?: unknown }).entry;
    throw new TaskRenderError(typeof entry === 'string' ? entry : errorText(e));
  }
}

export function renderAction(task: TaskSpec, ctx: ExpressionContext): string {
  const action = render(task.action, ctx);
  if (typeof action !== 'string' || action === '') {
    throw new TaskRenderError(`TypeError: The action of task "${task.name}" is not a string.`);
  }
  return action;
}

export function renderInput(task: TaskSpec, ctx: ExpressionContext): Record<string, unknown> {
  if (task.input === undefined) return {};
  const input = render(task.input, ctx);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TaskRenderError(`TypeError: The input of task "${task.name}" is not a mapping.`);
  }
  return input as Record<string, unknown>;
}

/** An int-valued field (delay, retry count): a number or an expression yielding one. */
export function renderInt(
  value: number | string | undefined,
  ctx: ExpressionContext,
  what: string,
): number | undefined {
  if (value === undefined) return undefined;
  const v = typeof value === 'number' ? value : render(value, ctx);
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TaskRenderError(what);
  return v;
}

/** The with-items list, each element shaped as `item()` will see it. */
export function renderItems(task: TaskSpec, ctx: ExpressionContext): unknown[] {
  const spec = task.with;
  if (spec === undefined) return [];
  const list = render(spec.items, ctx);
  if (!Array.isArray(list)) throw new TaskRenderError(`TypeError: The value of "${spec.items}" is not type of list.`);
  if (spec.names.length === 0) return list;
  return list.map((el) => {
    if (spec.names.length === 1) return { [spec.names[0] as string]: el };
    const parts = Array.isArray(el) ? el : [el];
    return Object.fromEntries(spec.names.map((n, i) => [n, parts[i] ?? null]));
  });
}

/** Concurrency as orquesta reads it: absent or null means all at once; values below 1 mean 1. */
export function renderConcurrency(task: TaskSpec, ctx: ExpressionContext): number | null {
  const raw = task.with?.concurrency;
  if (raw === undefined) return null;
  const v = typeof raw === 'number' ? raw : render(raw, ctx);
  if (v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new TaskRenderError(`TypeError: The concurrency of task "${task.name}" is not an integer.`);
  }
  return Math.max(1, v);
}

/** Evaluates a condition (`when`) to a boolean; errors keep orquesta's text. */
export function evaluateCondition(expr: string, ctx: ExpressionContext): boolean {
  const v = render(expr, ctx);
  return truthy(v);
}

export function renderValue(value: unknown, ctx: ExpressionContext): unknown {
  return render(value, ctx);
}

function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}
