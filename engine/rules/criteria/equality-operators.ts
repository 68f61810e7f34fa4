import type { OperatorFn } from './operator-types.js';
import { mismatch, pyEquals, typeName } from './py-values.js';

/** `equals`: Python `value == pattern` (so `true` equals `1`, and `1` never equals `"1"`). */
export const equals: OperatorFn = (v, p) => pyEquals(v, p);

/** `nequals`: Python `value != pattern`; it has no null guard, so a missing value is unequal to anything but null. */
export const nequals: OperatorFn = (v, p) => !pyEquals(v, p);

/** `iequals`: case-insensitive string equality; anything but two strings does not apply. */
export const iequals: OperatorFn = (v, p) => {
  if (typeof v !== 'string' || typeof p !== 'string') return mismatch(bothStrings(v, p));
  return v.toLowerCase() === p.toLowerCase();
};

export function bothStrings(v: unknown, p: unknown): string {
  return typeof v !== 'string'
    ? `the value is a ${typeName(v)}, not a string`
    : `the pattern is a ${typeName(p)}, not a string`;
}
