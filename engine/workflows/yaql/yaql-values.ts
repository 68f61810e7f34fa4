import { YaqlEvaluationError } from './yaql-errors.js';

/** Values YAQL works on: JSON data (workflow values always are). */
export type Dict = Record<string, unknown>;

export function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Python truthiness: empty strings, lists and dicts, 0 and null are false. */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false) return false;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string' || Array.isArray(v)) return v.length > 0;
  if (isDict(v)) return Object.keys(v).length > 0;
  return true;
}

/** Deep equality as Python's `==` on JSON data (`1 == 1.0`, dict key order ignored). */
export function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isDict(a)) {
    if (!isDict(b)) return false;
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && equal(a[k], b[k]));
  }
  return false;
}

/** Python 3 ordering: numbers with numbers, strings with strings, lists element-wise; anything else is an error. */
export function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compare(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  throw new YaqlEvaluationError(`cannot compare ${typeName(a)} with ${typeName(b)}`);
}

/** The Python-ish name of a value's type, for error messages. */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'list';
  if (isDict(v)) return 'dict';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  return typeof v;
}

/** Membership as Python's `in`: element of a list, key of a dict, substring of a string. */
export function contains(container: unknown, v: unknown): boolean {
  if (Array.isArray(container)) return container.some((x) => equal(x, v));
  if (isDict(container)) return typeof v === 'string' && Object.hasOwn(container, v);
  if (typeof container === 'string' && typeof v === 'string') return container.includes(v);
  throw new YaqlEvaluationError(`"in" needs a list, dict or string on the right, not ${typeName(container)}`);
}
