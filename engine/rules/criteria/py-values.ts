/**
 * StackStorm's operators are Python expressions on JSON-decoded data, so Squall keeps Python's meaning
 * of `==`, `<` and `in`: `true == 1`, `1 == 1.0`, lists and objects compared structurally, strings
 * ordered by code point, and no ordering across types (Python raises; here that is "not comparable").
 */

/** Why an operator cannot apply to these values (Python would raise TypeError): the criterion fails. */
export interface Mismatch {
  mismatch: string;
}

/** An operator's answer: holds, does not hold, or does not apply to these types. */
export type Verdict = boolean | Mismatch;

export function mismatch(text: string): Mismatch {
  return { mismatch: text };
}

/** The JSON type as a person reads it in a reason: `null`, `boolean`, `number`, `string`, `list`, `object`. */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'list';
  return typeof v;
}

function isNumeric(v: unknown): v is number | boolean {
  return typeof v === 'number' || typeof v === 'boolean';
}

/** Python `a == b` on JSON values. */
export function pyEquals(a: unknown, b: unknown): boolean {
  if (isNumeric(a) && isNumeric(b)) return Number(a) === Number(b);
  if (a === null || a === undefined) return b === null || b === undefined;
  if (typeof a === 'string') return a === b;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => pyEquals(x, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object' && b !== null && !Array.isArray(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    return ka.every((k) => Object.hasOwn(rb, k) && pyEquals(ra[k], rb[k]));
  }
  return false;
}

/** Python's ordering: -1, 0, 1, or undefined where Python raises (`1 < "a"`, `None < 1`, dicts). */
export function pyCompare(a: unknown, b: unknown): -1 | 0 | 1 | undefined {
  if (isNumeric(a) && isNumeric(b)) {
    const x = Number(a);
    const y = Number(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (pyEquals(a[i], b[i])) continue;
      return pyCompare(a[i], b[i]);
    }
    return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
  }
  return undefined;
}

/** Python compares str by code point; JavaScript's `<` compares UTF-16 units (differs beyond U+FFFF). */
function compareCodePoints(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0) as number;
    const cy = y.value.codePointAt(0) as number;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

/** Python `item in container`: substring of a string, element of a list, key of an object. */
export function pyIn(item: unknown, container: unknown): Verdict {
  if (typeof container === 'string') {
    if (typeof item !== 'string') return mismatch(`cannot look for a ${typeName(item)} inside a string`);
    return container.includes(item);
  }
  if (Array.isArray(container)) return container.some((x) => pyEquals(item, x));
  if (typeof container === 'object' && container !== null) {
    if (typeof item === 'object' && item !== null) return mismatch(`a ${typeName(item)} cannot be an object key`);
    return typeof item === 'string' && Object.hasOwn(container, item);
  }
  return mismatch(`a ${typeName(container)} is not a string, list or object`);
}

/** Negates a verdict, keeping a mismatch a mismatch (Python's `not in` raises the same way `in` does). */
export function negate(v: Verdict): Verdict {
  return typeof v === 'boolean' ? !v : v;
}
