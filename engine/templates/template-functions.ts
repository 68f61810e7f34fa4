import { Environment } from 'minijinja-js';
import { FILTERS } from './template-filters.js';
import { toNative, toPlainData } from './template-values.js';

/** A function templates may call, as a global (`ctx("x")`) and as a filter (`"x" | ctx`). */
export type TemplateFunction = (args: unknown[], named: ReadonlyMap<string, unknown>) => unknown;

/** Bounds one evaluation, as in templates.ts. */
const FUEL = 10_000_000;

/**
 * Jinja with caller-supplied functions bound per call, for orquesta's `{{ ctx() }}` and friends:
 * strict about undefined values (orquesta uses StrictUndefined) and trimming blocks as orquesta does.
 * The functions are registered once; each call says which implementation they dispatch to, because
 * minijinja's callbacks are synchronous and an environment is costly to build.
 */
export class FunctionTemplates {
  readonly #env = new Environment();
  #current: ReadonlyMap<string, TemplateFunction> = new Map();
  /** Set by a callback that failed: a throw into the WASM engine corrupts it, so callbacks never throw. */
  #failure: string | undefined;

  constructor(names: readonly string[]) {
    const env = this.#env;
    env.debug = false;
    env.enablePyCompat();
    env.undefinedBehavior = 'strict';
    env.trimBlocks = true;
    env.lstripBlocks = true;
    env.fuel = FUEL;
    for (const [name, fn] of Object.entries(FILTERS)) {
      env.addFilter(name, (value: unknown, ...args: unknown[]) =>
        this.#guard(name, () => fn(toNative(value), ...args.map(toNative))),
      );
    }
    for (const name of names) {
      const call = (...raw: unknown[]) =>
        this.#guard(name, () => {
          const fn = this.#current.get(name);
          if (fn === undefined) throw new Error(`${name}() is not available here`);
          const last = raw[raw.length - 1];
          const named = last instanceof Map ? (toNative(last) as Record<string, unknown>) : undefined;
          const args = (named === undefined ? raw : raw.slice(0, -1)).map(toNative);
          return fn(args, new Map(Object.entries(named ?? {})));
        });
      env.addGlobal(name, call);
      env.addFilter(name, call);
    }
  }

  /**
   * Evaluates one Jinja expression (the text inside `{{ }}`) to a native value.
   *
   * @throws Error with minijinja's one-line reason, or the failing function's message
   */
  evaluate(expr: string, fns: ReadonlyMap<string, TemplateFunction>, data: Record<string, unknown> = {}): unknown {
    return this.#run(fns, () => {
      const plain = toPlainData(data);
      const value = this.#env.evalExpr(expr, plain);
      // evalExpr returns undefined for an undefined name even when strict; rendering surfaces the error.
      if (value === undefined) this.#env.renderStr(`{{ (${expr}) }}`, plain);
      return toNative(value);
    });
  }

  /** Renders a whole template (one with `{% %}` blocks) to a string. */
  render(source: string, fns: ReadonlyMap<string, TemplateFunction>, data: Record<string, unknown> = {}): string {
    return this.#run(fns, () => this.#env.renderStr(source, toPlainData(data)));
  }

  #guard(name: string, fn: () => unknown): unknown {
    try {
      return fn();
    } catch (e) {
      this.#failure ??= e instanceof Error ? e.message : `${name}: ${String(e)}`;
      return undefined;
    }
  }

  #run<T>(fns: ReadonlyMap<string, TemplateFunction>, body: () => T): T {
    this.#current = fns;
    this.#failure = undefined;
    let result: T;
    try {
      result = body();
    } catch (e) {
      throw new Error(this.#failure ?? firstLine(e instanceof Error ? e.message : String(e)));
    } finally {
      this.#current = new Map();
    }
    const failure = this.#failure;
    this.#failure = undefined;
    if (failure !== undefined) throw new Error(failure);
    return result;
  }
}

function firstLine(message: string): string {
  return (message.split('\n', 1)[0] ?? message).replace(/^Error: /, '').trim();
}
