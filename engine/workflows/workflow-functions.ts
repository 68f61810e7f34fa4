import type { ExpressionContext } from './expression-context.js';

/** A failure an expression function reports; the expression layer adds which expression it was. */
export class ExpressionFunctionError extends Error {
  override readonly name = 'ExpressionFunctionError';
}

export type WorkflowFunction = (
  ctx: ExpressionContext,
  args: readonly unknown[],
  named: ReadonlyMap<string, unknown>,
) => unknown;

const COMPLETED = new Set(['succeeded', 'failed', 'timeout', 'abandoned', 'canceled']);

function currentTask(ctx: ExpressionContext) {
  if (ctx.currentTask === undefined) throw new ExpressionFunctionError('The current task is not set in the context.');
  return ctx.currentTask;
}

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch (e) {
    throw new ExpressionFunctionError(`The value is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isDict(v)) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys(v[k])]),
  );
}

/**
 * orquesta's and st2's workflow functions, shared by YAQL and Jinja (orquesta registers each for
 * both). The messages are orquesta's, so workflows that match on them keep working.
 */
export const WORKFLOW_FUNCTIONS: ReadonlyMap<string, WorkflowFunction> = new Map<string, WorkflowFunction>([
  [
    'ctx',
    (ctx, [name]) => {
      if (name === undefined || name === null) {
        return Object.fromEntries(Object.entries(ctx.vars).filter(([k]) => !k.startsWith('__')));
      }
      const key = String(name);
      if (key.startsWith('__'))
        throw new ExpressionFunctionError(`The variable "${key}" is for internal use and inaccessible.`);
      if (!Object.hasOwn(ctx.vars, key)) throw new ExpressionFunctionError(`The variable "${key}" is undefined.`);
      return ctx.vars[key];
    },
  ],
  ['result', (ctx) => currentTask(ctx).result ?? null],
  ['succeeded', (ctx) => currentTask(ctx).status === 'succeeded'],
  ['failed', (ctx) => currentTask(ctx).status === 'failed'],
  ['completed', (ctx) => COMPLETED.has(currentTask(ctx).status)],
  [
    'task_status',
    (ctx, [name]) => {
      if (typeof name !== 'string') throw new ExpressionFunctionError('task_status() needs a task name.');
      return ctx.taskStatus?.(name) ?? 'null';
    },
  ],
  [
    'item',
    (ctx, [key]) => {
      if (ctx.item === undefined) throw new ExpressionFunctionError('The current item is not set in the context.');
      const value = ctx.item.value;
      if (key === undefined || key === null) return value;
      if (!isDict(value)) throw new ExpressionFunctionError('Item is not type of collections.abc.Mapping.');
      const k = String(key);
      if (!Object.hasOwn(value, k)) throw new ExpressionFunctionError(`Item does not have key "${k}".`);
      return value[k];
    },
  ],
  [
    'task',
    (ctx, [name]) => {
      if (ctx.task === undefined) throw new ExpressionFunctionError('task() is not available here.');
      return ctx.task(typeof name === 'string' ? name : undefined) ?? null;
    },
  ],
  [
    'st2kv',
    (ctx, [key, decrypt], named) => {
      if (typeof key !== 'string' || key === '') throw new ExpressionFunctionError('st2kv() needs a key name.');
      const value = ctx.st2kv?.(key, (decrypt ?? named.get('decrypt')) === true);
      if (value !== undefined) return value;
      if (named.has('default')) return named.get('default');
      throw new ExpressionFunctionError(`The key "${key}" does not exist in the StackStorm datastore.`);
    },
  ],
  ['json', (_ctx, [v]) => parseJson(v)],
  ['from_json_string', (_ctx, [v]) => parseJson(v)],
  ['json_parse', (_ctx, [v]) => parseJson(v)],
  [
    'to_json_string',
    (_ctx, [v, indent, sort], named) => {
      const value = (sort ?? named.get('sort_keys')) === true ? sortKeys(v) : v;
      const ind = indent ?? named.get('indent');
      return JSON.stringify(value ?? null, null, typeof ind === 'number' ? ind : undefined);
    },
  ],
]);
