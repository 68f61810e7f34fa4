import { bothStrings } from './equality-operators.js';
import type { OperatorFn } from './operator-types.js';
import { mismatch, negate, pyIn } from './py-values.js';

/** `contains`: Python `pattern in value`: substring, list element, or object key. */
export const contains: OperatorFn = (v, p) => pyIn(p, v);

/** `ncontains`: Python `pattern not in value`; a value that cannot contain anything does not match. */
export const ncontains: OperatorFn = (v, p) => negate(pyIn(p, v));

/** `icontains`: case-insensitive substring; strings only. */
export const icontains: OperatorFn = (v, p) => {
  if (typeof v !== 'string' || typeof p !== 'string') return mismatch(bothStrings(v, p));
  return v.toLowerCase().includes(p.toLowerCase());
};

/** `incontains`: case-insensitive "not a substring"; strings only. */
export const incontains: OperatorFn = (v, p) => negate(icontains(v, p, { now: new Date(0) }));

/** `inside`: Python `value in pattern` (contains, reversed). */
export const inside: OperatorFn = (v, p) => pyIn(v, p);

/** `ninside`: Python `value not in pattern`. */
export const ninside: OperatorFn = (v, p) => negate(pyIn(v, p));
