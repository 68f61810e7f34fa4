import { pyRepr } from '../python-str.js';
import { YaqlEvaluationError } from './yaql-errors.js';
import { keyOf, type YaqlCall, type YaqlFunction, type YaqlThunk } from './yaql-eval.js';
import { compare, contains, type Dict, equal, isDict, truthy, typeName } from './yaql-values.js';

/**
 * The YAQL standard-library subset Squall implements (docs/workflows.md lists it). Each entry takes
 * its arguments unevaluated, so that lambdas (`select($.name)`) and short-circuits (`coalesce`) work;
 * most use `values()` to evaluate them all. Method syntax passes the receiver as the first argument.
 */
export const YAQL_LIBRARY: ReadonlyMap<string, YaqlFunction<unknown>> = new Map<string, YaqlFunction<unknown>>([
  [
    'get',
    (c) => {
      const [d, key, dflt] = arity(c, 2, 3);
      if (!isDict(d)) throw bad(c, `needs a dict, not ${typeName(d)}`);
      const k = keyOf(key);
      return Object.hasOwn(d, k) ? d[k] : (dflt ?? kw(c, 'default') ?? null);
    },
  ],
  [
    'split',
    (c) => {
      const [s, sep, max] = arity(c, 1, 3);
      return pySplit(str(c, s), sep === null || sep === undefined ? null : str(c, sep), int(c, max ?? -1));
    },
  ],
  [
    'join',
    (c) => {
      const [a, b] = arity(c, 2, 2);
      // Both yaql forms: `list.join(sep)` and `sep.join(list)`.
      if (typeof a === 'string' && Array.isArray(b)) return b.map(yaqlStr).join(a);
      return iterable(c, a).map(yaqlStr).join(str(c, b));
    },
  ],
  ['len', (c) => size(c, arity(c, 1, 1)[0])],
  [
    'count',
    (c) => {
      const [coll] = arity(c, 1, 2);
      const pred = c.args[1];
      return pred === undefined ? size(c, coll) : iterable(c, coll).filter((x) => truthy(pred.with(x))).length;
    },
  ],
  ['str', (c) => yaqlStr(arity(c, 1, 1)[0])],
  ['int', (c) => toInt(c, arity(c, 1, 1)[0])],
  ['float', (c) => toFloat(c, arity(c, 1, 1)[0])],
  ['bool', (c) => truthy(arity(c, 1, 1)[0])],
  ['abs', (c) => Math.abs(num(c, arity(c, 1, 1)[0]))],
  [
    'coalesce',
    (c) => {
      for (const a of c.args) {
        const v = a();
        if (v !== null && v !== undefined) return v;
      }
      return null;
    },
  ],
  [
    'select',
    (c) => {
      const f = lambda(c, 1);
      return iterable(c, c.args[0]?.()).map((x) => f.with(x));
    },
  ],
  [
    'where',
    (c) => {
      const f = lambda(c, 1);
      return iterable(c, c.args[0]?.()).filter((x) => truthy(f.with(x)));
    },
  ],
  ['first', (c) => edge(c, 'first')],
  ['last', (c) => edge(c, 'last')],
  ['items', (c) => Object.entries(dict(c, arity(c, 1, 1)[0])).map(([k, v]) => [k, v])],
  ['keys', (c) => Object.keys(dict(c, arity(c, 1, 1)[0]))],
  ['values', (c) => Object.values(dict(c, arity(c, 1, 1)[0]))],
  [
    'containsKey',
    (c) => {
      const [d, k] = arity(c, 2, 2);
      return Object.hasOwn(dict(c, d), keyOf(k));
    },
  ],
  ['toLower', (c) => str(c, arity(c, 1, 1)[0]).toLowerCase()],
  ['toUpper', (c) => str(c, arity(c, 1, 1)[0]).toUpperCase()],
  ['trim', (c) => str(c, arity(c, 1, 1)[0]).trim()],
  [
    'startsWith',
    (c) => {
      const [s, ...prefixes] = values(c);
      return prefixes.some((p) => str(c, s).startsWith(str(c, p)));
    },
  ],
  [
    'endsWith',
    (c) => {
      const [s, ...suffixes] = values(c);
      return suffixes.some((p) => str(c, s).endsWith(str(c, p)));
    },
  ],
  [
    'contains',
    (c) => {
      const [coll, v] = arity(c, 2, 2);
      return contains(coll, v);
    },
  ],
  [
    'isEmpty',
    (c) => {
      const [v] = arity(c, 1, 1);
      if (v === null || v === undefined) return true;
      if (typeof v === 'string') return v.trim() === '';
      if (Array.isArray(v)) return v.length === 0;
      if (isDict(v)) return Object.keys(v).length === 0;
      throw bad(c, `needs a string or a collection, not ${typeName(v)}`);
    },
  ],
  [
    'sum',
    (c) => {
      const [coll, initial] = arity(c, 1, 2);
      return iterable(c, coll).reduce<number>((acc, x) => acc + num(c, x), num(c, initial ?? 0));
    },
  ],
  ['max', (c) => extreme(c, 1)],
  ['min', (c) => extreme(c, -1)],
  [
    'list',
    (c) => {
      const args = values(c);
      // yaql unpacks iterators (what select/where return there); here those are lists, so one list argument is copied.
      return args.length === 1 && Array.isArray(args[0]) ? [...args[0]] : args;
    },
  ],
  ['toList', (c) => [...iterable(c, arity(c, 1, 1)[0])]],
  ['dict', (c) => toDict(c)],
  [
    'switch',
    (c) => {
      const recv = c.args[0];
      const dollar = recv === undefined ? undefined : recv();
      for (const p of c.pairs) {
        const hit = dollar === undefined ? p.key() : p.key.with(dollar);
        if (truthy(hit)) return dollar === undefined ? p.value() : p.value.with(dollar);
      }
      return null;
    },
  ],
  [
    'substring',
    (c) => {
      const [s, start, length] = arity(c, 2, 3);
      const text = str(c, s);
      let from = int(c, start);
      const len = int(c, length ?? -1) < 0 ? text.length : int(c, length);
      if (from < 0) from = Math.max(0, from + text.length);
      return [...text].slice(from, from + len).join('');
    },
  ],
  [
    'replace',
    (c) => {
      const [s, old, repl, count] = arity(c, 2, 4);
      const text = str(c, s);
      if (isDict(old)) {
        let out = text;
        for (const [k, v] of Object.entries(old)) out = pyReplace(out, k, yaqlStr(v), int(c, repl ?? -1));
        return out;
      }
      return pyReplace(text, str(c, old), str(c, repl), int(c, count ?? -1));
    },
  ],
  [
    'distinct',
    (c) => {
      const coll = iterable(c, c.args[0]?.());
      const keyFn = c.args[1];
      const seen: unknown[] = [];
      const out: unknown[] = [];
      for (const x of coll) {
        const key = keyFn === undefined ? x : keyFn.with(x);
        if (seen.some((s) => equal(s, key))) continue;
        seen.push(key);
        out.push(x);
      }
      return out;
    },
  ],
  [
    'range',
    (c) => {
      const args = values(c).map((v) => int(c, v));
      const [start, stop, step] = args.length === 1 ? [0, args[0] ?? 0, 1] : [args[0] ?? 0, args[1] ?? 0, args[2] ?? 1];
      if (step === 0) throw bad(c, 'step must not be zero');
      if (Math.abs((stop - start) / step) > 1_000_000) throw bad(c, 'more than 1,000,000 elements');
      const out: number[] = [];
      for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
      return out;
    },
  ],
  [
    'concat',
    (c) => {
      const args = values(c);
      if (args.every(Array.isArray)) return args.flat(1);
      return args.map((a) => str(c, a)).join('');
    },
  ],
  [
    'format',
    (c) => {
      const [fmt, ...rest] = values(c);
      const named = new Map([...c.kwargs].map(([k, t]) => [k, t()]));
      return pyFormat(c, str(c, fmt), rest, named);
    },
  ],
  [
    'let',
    (c) => {
      c.args.forEach((a, i) => {
        c.vars.set(String(i + 1), a());
      });
      for (const [k, t] of c.kwargs) c.vars.set(k, t());
      return null;
    },
  ],
]);

function values(c: YaqlCall<unknown>): unknown[] {
  return c.args.map((a) => a());
}

function arity(c: YaqlCall<unknown>, min: number, max: number): unknown[] {
  if (c.args.length < min || c.args.length > max) {
    const want = min === max ? `${min}` : `${min} to ${max}`;
    throw bad(c, `takes ${want} argument${max === 1 ? '' : 's'}, got ${c.args.length}`);
  }
  return values(c);
}

function kw(c: YaqlCall<unknown>, name: string): unknown {
  return c.kwargs.get(name)?.();
}

function lambda(c: YaqlCall<unknown>, i: number): YaqlThunk {
  const f = c.args[i];
  if (f === undefined || c.args.length !== i + 1) throw bad(c, `takes a collection and one expression`);
  return f;
}

function bad(c: YaqlCall<unknown>, message: string): YaqlEvaluationError {
  return new YaqlEvaluationError(`${c.name}(): ${message}`);
}

function str(c: YaqlCall<unknown>, v: unknown): string {
  if (typeof v !== 'string') throw bad(c, `needs a string, not ${typeName(v)}`);
  return v;
}

function num(c: YaqlCall<unknown>, v: unknown): number {
  if (typeof v !== 'number') throw bad(c, `needs a number, not ${typeName(v)}`);
  return v;
}

function int(c: YaqlCall<unknown>, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw bad(c, `needs an integer, not ${typeName(v)}`);
  return v;
}

function dict(c: YaqlCall<unknown>, v: unknown): Dict {
  if (!isDict(v)) throw bad(c, `needs a dict, not ${typeName(v)}`);
  return v;
}

/** Collections iterate as in Python: a list its elements, a dict its keys. */
function iterable(c: YaqlCall<unknown>, v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (isDict(v)) return Object.keys(v);
  throw bad(c, `needs a collection, not ${typeName(v)}`);
}

function size(c: YaqlCall<unknown>, v: unknown): number {
  if (typeof v === 'string') return [...v].length;
  if (Array.isArray(v)) return v.length;
  if (isDict(v)) return Object.keys(v).length;
  throw bad(c, `needs a string or a collection, not ${typeName(v)}`);
}

function edge(c: YaqlCall<unknown>, which: 'first' | 'last'): unknown {
  const [coll, dflt] = arity(c, 1, 2);
  const list = iterable(c, coll);
  if (list.length === 0) {
    if (c.args.length === 2) return dflt;
    throw bad(c, 'the collection is empty');
  }
  return which === 'first' ? list[0] : list[list.length - 1];
}

function extreme(c: YaqlCall<unknown>, sign: 1 | -1): unknown {
  const args = values(c);
  const list = args.length === 1 ? iterable(c, args[0]) : args;
  if (list.length === 0) throw bad(c, 'the collection is empty');
  return list.reduce((best, x) => (compare(x, best) * sign > 0 ? x : best));
}

/** yaql's `str()`: like Python's, but null, true and false print as in YAQL. */
export function yaqlStr(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  return typeof v === 'string' ? v : pyRepr(v);
}

function toInt(c: YaqlCall<unknown>, v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return Number.parseInt(v, 10);
  throw bad(c, `cannot convert ${pyRepr(v)} to an integer`);
}

function toFloat(c: YaqlCall<unknown>, v: unknown): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  throw bad(c, `cannot convert ${pyRepr(v)} to a float`);
}

function toDict(c: YaqlCall<unknown>): Dict {
  const out: Dict = {};
  if (c.args.length === 0) {
    for (const [k, t] of c.kwargs) out[k] = t();
    return out;
  }
  const coll = iterable(c, c.args[0]?.());
  const [keyFn, valueFn] = [c.args[1], c.args[2]];
  for (const x of coll) {
    if (keyFn !== undefined) {
      out[keyOf(keyFn.with(x))] = valueFn === undefined ? x : valueFn.with(x);
      continue;
    }
    if (!Array.isArray(x) || x.length !== 2) throw bad(c, 'needs a list of [key, value] pairs');
    out[keyOf(x[0])] = x[1];
  }
  return out;
}

/** Python's `str.split(sep, maxsplit)`: no separator splits on runs of whitespace and drops empty ends. */
function pySplit(s: string, sep: string | null, max: number): string[] {
  if (sep === '') throw new YaqlEvaluationError('split(): empty separator');
  const out: string[] = [];
  if (sep === null) {
    let rest = s.replace(/^\s+/, '');
    while (rest !== '') {
      const m = /\s+/.exec(rest);
      if ((max >= 0 && out.length >= max) || m === null) {
        out.push(rest);
        break;
      }
      out.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
    return out;
  }
  let rest = s;
  while (max < 0 || out.length < max) {
    const at = rest.indexOf(sep);
    if (at < 0) break;
    out.push(rest.slice(0, at));
    rest = rest.slice(at + sep.length);
  }
  out.push(rest);
  return out;
}

function pyReplace(s: string, old: string, repl: string, count: number): string {
  if (count < 0) return s.split(old).join(repl);
  let out = s;
  let from = 0;
  for (let n = 0; n < count; n++) {
    const at = out.indexOf(old, from);
    if (at < 0) break;
    out = out.slice(0, at) + repl + out.slice(at + old.length);
    from = at + repl.length;
  }
  return out;
}

/** Python's `str.format` for `{}`, `{0}`, `{name}` and `{{ }}`; format specs after `:` are not supported. */
function pyFormat(c: YaqlCall<unknown>, fmt: string, args: unknown[], named: Map<string, unknown>): string {
  let auto = 0;
  return fmt.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (m, field: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const name = field ?? '';
    if (name.includes(':') || name.includes('!')) throw bad(c, `format specs are not supported ("${m}")`);
    let v: unknown;
    if (name === '') v = args[auto++];
    else if (/^\d+$/.test(name)) v = args[Number(name)];
    else if (named.has(name)) v = named.get(name);
    else throw bad(c, `no value for "{${name}}"`);
    if (v === undefined) throw bad(c, `not enough arguments for "${fmt}"`);
    return typeof v === 'string' ? v : pyRepr(v);
  });
}
