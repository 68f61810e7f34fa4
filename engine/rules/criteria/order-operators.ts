import type { OperatorFn } from './operator-types.js';
import { mismatch, pyCompare, typeName, type Verdict } from './py-values.js';

function ordered(v: unknown, p: unknown, want: -1 | 1): Verdict {
  const c = pyCompare(v, p);
  if (c === undefined) return mismatch(`a ${typeName(v)} cannot be ordered against a ${typeName(p)}`);
  return c === want;
}

/** `lessthan`: Python `value < pattern`: numbers, strings (by code point, so "10" < "9"), lists. */
export const lessthan: OperatorFn = (v, p) => ordered(v, p, -1);

/** `greaterthan`: Python `value > pattern`. */
export const greaterthan: OperatorFn = (v, p) => ordered(v, p, 1);
