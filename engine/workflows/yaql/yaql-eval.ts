import type { YaqlArg, YaqlNode } from './yaql-ast.js';
import { YaqlEvaluationError } from './yaql-errors.js';
import { compare, contains, equal, isDict, truthy, typeName } from './yaql-values.js';

/** An argument not evaluated yet: `select`, `where` and friends evaluate theirs once per element. */
export interface YaqlThunk {
  /** The argument's value in the caller's scope. */
  (): unknown;
  /** The argument's value with `$` bound to `dollar` (a lambda body). */
  with(dollar: unknown): unknown;
}

/** What a function in the table receives. */
export interface YaqlCall<H> {
  readonly name: string;
  /** Positional arguments; with method syntax (`x.f(a)`) the receiver comes first. */
  readonly args: readonly YaqlThunk[];
  /** `name => value` arguments whose key is a name or a string. */
  readonly kwargs: ReadonlyMap<string, YaqlThunk>;
  /** Every `key => value` argument in order, keys unevaluated (`switch` takes conditions as keys). */
  readonly pairs: readonly { key: YaqlThunk; value: YaqlThunk }[];
  /** Variables of the current scope; `let` writes here. */
  readonly vars: Map<string, unknown>;
  /** Whatever the caller of evaluateYaql passed (the workflow context for orquesta's functions). */
  readonly host: H;
}

export type YaqlFunction<H> = (call: YaqlCall<H>) => unknown;

export interface YaqlEnv<H> {
  readonly functions: ReadonlyMap<string, YaqlFunction<H>>;
  readonly host: H;
}

/**
 * Evaluates a parsed YAQL expression over JSON data. Variables start with `$` bound to `dollar`.
 *
 * @throws YaqlEvaluationError for unknown functions, missing keys and ill-typed operands
 */
export function evaluateYaql<H>(node: YaqlNode, env: YaqlEnv<H>, dollar: unknown = null): unknown {
  return new Evaluator(env).eval(node, new Map([['', dollar]]));
}

class Evaluator<H> {
  constructor(readonly env: YaqlEnv<H>) {}

  eval(n: YaqlNode, vars: Map<string, unknown>): unknown {
    switch (n.k) {
      case 'lit':
        return n.v;
      case 'name':
        return n.name;
      case 'var':
        return vars.get(n.name) ?? null;
      case 'list':
        return n.items.map((x) => this.eval(x, vars));
      case 'dict': {
        const out: Record<string, unknown> = {};
        for (const [k, v] of n.pairs) out[keyOf(this.eval(k, vars))] = this.eval(v, vars);
        return out;
      }
      case 'prop': {
        const obj = this.eval(n.obj, vars);
        if (n.safe && (obj === null || obj === undefined)) return null;
        return property(obj, n.name);
      }
      case 'index':
        return index(this.eval(n.obj, vars), this.eval(n.index, vars));
      case 'call':
        return this.call(n.name, n.args, vars, n.recv, n.safe === true);
      case 'un':
        return unary(n.op, this.eval(n.e, vars));
      case 'bin':
        return this.binary(n.op, n.l, n.r, vars);
    }
  }

  call(name: string, args: YaqlArg[], vars: Map<string, unknown>, recv: YaqlNode | undefined, safe: boolean): unknown {
    const fn = this.env.functions.get(name);
    const thunks: YaqlThunk[] = [];
    if (recv !== undefined) {
      const receiver = this.eval(recv, vars);
      if (safe && (receiver === null || receiver === undefined)) return null;
      thunks.push(constant(receiver));
    }
    if (fn === undefined) throw new YaqlEvaluationError(`Unknown function "${name}"`);
    const kwargs = new Map<string, YaqlThunk>();
    const pairs: { key: YaqlThunk; value: YaqlThunk }[] = [];
    for (const a of args) {
      if (a.k === 'pos') {
        thunks.push(this.thunk(a.e, vars));
        continue;
      }
      const value = this.thunk(a.e, vars);
      pairs.push({ key: this.thunk(a.key, vars), value });
      if (a.key.k === 'name') kwargs.set(a.key.name, value);
      else if (a.key.k === 'lit' && typeof a.key.v === 'string') kwargs.set(a.key.v, value);
    }
    return fn({ name, args: thunks, kwargs, pairs, vars, host: this.env.host });
  }

  thunk(e: YaqlNode, vars: Map<string, unknown>): YaqlThunk {
    const t = (() => this.eval(e, vars)) as YaqlThunk;
    t.with = (dollar) => this.eval(e, new Map(vars).set('', dollar));
    return t;
  }

  binary(op: string, l: YaqlNode, r: YaqlNode, vars: Map<string, unknown>): unknown {
    // Python's `and`/`or` return an operand and do not evaluate the right one when the left decides.
    if (op === 'and') {
      const a = this.eval(l, vars);
      return truthy(a) ? this.eval(r, vars) : a;
    }
    if (op === 'or') {
      const a = this.eval(l, vars);
      return truthy(a) ? a : this.eval(r, vars);
    }
    if (op === '->') {
      // `let(x => 1) -> $x`: the left side may bind variables; the right side sees them.
      const scope = new Map(vars);
      this.eval(l, scope);
      return this.eval(r, scope);
    }
    return binaryValues(op, this.eval(l, vars), this.eval(r, vars));
  }
}

function constant(v: unknown): YaqlThunk {
  const t = (() => v) as YaqlThunk;
  t.with = () => v;
  return t;
}

export function keyOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  throw new YaqlEvaluationError(`a ${typeName(v)} cannot be a dict key`);
}

function property(obj: unknown, name: string): unknown {
  if (!isDict(obj)) throw new YaqlEvaluationError(`Unknown function "#property#${name}"`);
  if (!Object.hasOwn(obj, name)) throw new YaqlEvaluationError(`Unable to resolve key '${name}'`);
  return obj[name];
}

function index(obj: unknown, i: unknown): unknown {
  if (Array.isArray(obj) || typeof obj === 'string') {
    if (typeof i !== 'number' || !Number.isInteger(i)) {
      throw new YaqlEvaluationError(`a ${typeName(obj)} index must be an integer, not ${typeName(i)}`);
    }
    const at = i < 0 ? obj.length + i : i;
    if (at < 0 || at >= obj.length) throw new YaqlEvaluationError(`index ${i} is out of range`);
    return obj[at];
  }
  if (isDict(obj)) {
    const key = keyOf(i);
    if (!Object.hasOwn(obj, key)) throw new YaqlEvaluationError(`Unable to resolve key '${key}'`);
    return obj[key];
  }
  throw new YaqlEvaluationError(`a ${typeName(obj)} cannot be indexed`);
}

function unary(op: string, v: unknown): unknown {
  if (op === 'not') return !truthy(v);
  if (typeof v !== 'number') throw new YaqlEvaluationError(`unary ${op} needs a number, not ${typeName(v)}`);
  return op === '-' ? -v : v;
}

function numbers(op: string, a: unknown, b: unknown): [number, number] {
  if (typeof a !== 'number' || typeof b !== 'number' || typeof a === 'boolean') {
    throw new YaqlEvaluationError(`cannot apply "${op}" to ${typeName(a)} and ${typeName(b)}`);
  }
  return [a, b];
}

/** Python's `%`: the result takes the divisor's sign. */
function pyMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

function binaryValues(op: string, a: unknown, b: unknown): unknown {
  switch (op) {
    case '=':
      return equal(a, b);
    case '!=':
      return !equal(a, b);
    case '<':
      return compare(a, b) < 0;
    case '>':
      return compare(a, b) > 0;
    case '<=':
      return compare(a, b) <= 0;
    case '>=':
      return compare(a, b) >= 0;
    case 'in':
      return contains(b, a);
    case '=~':
    case '!~': {
      if (typeof a !== 'string' || typeof b !== 'string') throw new YaqlEvaluationError(`"${op}" needs two strings`);
      return new RegExp(b).test(a) === (op === '=~');
    }
    case '+':
      if (typeof a === 'string' && typeof b === 'string') return a + b;
      if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
      if (isDict(a) && isDict(b)) return { ...a, ...b };
      return sum(...numbers(op, a, b));
    case '-': {
      const [x, y] = numbers(op, a, b);
      return x - y;
    }
    case '*': {
      if (typeof a === 'string' && Number.isInteger(b)) return a.repeat(Math.max(0, b as number));
      const [x, y] = numbers(op, a, b);
      return x * y;
    }
    case '/': {
      const [x, y] = numbers(op, a, b);
      if (y === 0) throw new YaqlEvaluationError('division by zero');
      // yaql on Python: `/` between two integers is floor division.
      return Number.isInteger(x) && Number.isInteger(y) ? Math.floor(x / y) : x / y;
    }
    case 'mod': {
      const [x, y] = numbers(op, a, b);
      if (y === 0) throw new YaqlEvaluationError('modulo by zero');
      return pyMod(x, y);
    }
    default:
      throw new YaqlEvaluationError(`unknown operator "${op}"`);
  }
}

function sum(a: number, b: number): number {
  return a + b;
}
