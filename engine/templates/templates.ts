import { Environment } from 'minijinja-js';
import { SquallError } from '../errors.js';
import { FILTERS } from './template-filters.js';
import { toNative, toPlainData } from './template-values.js';

export interface RenderOptions {
  /** Undefined variables are an error (StackStorm's ack rendering) instead of rendering empty. @default false */
  strict?: boolean;
  /** Decrypts a datastore secret for `| decrypt_kv`; without it the filter fails the render. */
  decrypt?: (stored: string) => string;
}

/**
 * Bounds the work of one render (about a third of a second). Templates are written by operators, but a slip such as
 * `range(10**9)` must fail the one render rather than stall the process.
 */
const FUEL = 10_000_000;

interface Engines {
  strict: Environment;
  lenient: Environment;
}
let engines: Engines | undefined;
/** Set by a filter that failed; filters must never throw into the WASM engine (a panic there corrupts it). */
let filterFailure: string | undefined;
/** The decrypt function of the render in progress (rendering is synchronous, so one at a time). */
let currentDecrypt: ((stored: string) => string) | undefined;

function engine(strict: boolean): Environment {
  engines ??= { strict: createEnvironment('strict'), lenient: createEnvironment('chainable') };
  return strict ? engines.strict : engines.lenient;
}

function createEnvironment(undefinedBehavior: 'strict' | 'chainable'): Environment {
  const env = new Environment();
  env.debug = false;
  // Python methods (`.split()`, `.items()`, `.startswith()`) appear throughout StackStorm content.
  env.enablePyCompat();
  // 'chainable' rather than 'lenient': `{{ a.b.c }}` with `a` missing renders empty, as Jinja's default does for st2 results.
  env.undefinedBehavior = undefinedBehavior;
  env.fuel = FUEL;
  const filters: Record<string, (value: unknown, ...args: unknown[]) => unknown> = { ...FILTERS, decrypt_kv };
  for (const [name, fn] of Object.entries(filters)) {
    env.addFilter(name, (value: unknown, ...args: unknown[]) => {
      try {
        return fn(toNative(value), ...args.map(toNative));
      } catch (e) {
        filterFailure ??= `filter ${name}: ${e instanceof Error ? e.message : String(e)}`;
        return '';
      }
    });
  }
  return env;
}

/** StackStorm's `decrypt_kv`: the plain text of an encrypted datastore value. */
function decrypt_kv(value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new Error("the datastore item doesn't exist or it contains an empty string");
  }
  if (!currentDecrypt) throw new Error('no datastore encryption key is available here');
  return currentDecrypt(value);
}

/**
 * Renders a Jinja template to a string. The context is copied as plain data first, so a template
 * can never call a function or reach an object that happens to sit in it.
 *
 * @throws SquallError SQ_TEMPLATE naming the template and minijinja's one-line reason
 * @example renderTemplate('{{ execution.id }} is {{ execution.status }}', { execution })
 */
export function renderTemplate(source: string, context: Record<string, unknown>, opts: RenderOptions = {}): string {
  if (!source.includes('{{') && !source.includes('{%') && !source.includes('{#')) return source;
  return run(source, opts, () => engine(opts.strict === true).renderStr(source, toPlainData(context)));
}

/** `{{ expr }}` alone, possibly padded with whitespace (YAML block scalars add a newline). */
const WHOLE_EXPRESSION = /^\s*\{\{((?:(?!\{\{|\}\}|\{%|%\}).)*)\}\}\s*$/s;

/**
 * If `source` is exactly one `{{ expr }}`, evaluates it and returns the native value (number,
 * object, ...); otherwise renders a string. An undefined result is `null` (lenient mode), so an
 * optional parameter fed from a missing value counts as "not given".
 *
 * @example renderValue('{{ trigger.count + 1 }}', { trigger: { count: 1 } }) // 2
 */
export function renderValue(source: string, context: Record<string, unknown>, opts: RenderOptions = {}): unknown {
  const m = WHOLE_EXPRESSION.exec(source);
  const expr = m?.[1];
  if (expr === undefined) return renderTemplate(source, context, opts);
  const strict = opts.strict === true;
  const data = toPlainData(context);
  return run(source, opts, () => {
    const env = engine(strict);
    const value = env.evalExpr(expr, data);
    // minijinja's evalExpr returns undefined for a missing name even in strict mode; rendering it
    // surfaces the "undefined value" error that strict asks for (and is harmless for `none`).
    if (value === undefined && strict) env.renderStr(source, data);
    return toNative(value);
  });
}

/**
 * Renders every string inside a JSON value with renderValue; keys are left alone.
 *
 * @example renderDeep({ cmd: 'echo {{ trigger.msg }}', n: '{{ trigger.n }}' }, { trigger })
 */
export function renderDeep(value: unknown, context: Record<string, unknown>, opts: RenderOptions = {}): unknown {
  if (typeof value === 'string') return renderValue(value, context, opts);
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, context, opts));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderDeep(v, context, opts);
    return out;
  }
  return value;
}

function run<T>(source: string, opts: RenderOptions, render: () => T): T {
  filterFailure = undefined;
  currentDecrypt = opts.decrypt;
  let result: T;
  try {
    result = render();
  } catch (e) {
    throw templateError(source, firstLine(e instanceof Error ? e.message : String(e)), e);
  } finally {
    currentDecrypt = undefined;
  }
  if (filterFailure !== undefined) {
    const failure = filterFailure;
    filterFailure = undefined;
    throw templateError(source, failure);
  }
  return result;
}

function templateError(source: string, reason: string, cause?: unknown): SquallError {
  const shown = source.length > 80 ? `${source.slice(0, 80)}…` : source;
  // `cause` is kept for logs; the message itself carries no stack and no multi-line debug dump.
  return new SquallError('SQ_TEMPLATE', `Cannot render ${JSON.stringify(shown)}: ${reason}`, { cause });
}

/** minijinja appends a source excerpt and variable dump after the first line; chat needs only the reason. */
function firstLine(message: string): string {
  const line = message.split('\n', 1)[0] ?? message;
  return line.replace(/^Error: /, '').trim();
}
