import { bothStrings } from './equality-operators.js';
import type { OperatorFn } from './operator-types.js';
import { compilePyRegex } from './py-regex.js';
import { mismatch, type Verdict } from './py-values.js';

function search(v: unknown, p: unknown, flags: string): Verdict {
  if (typeof v !== 'string' || typeof p !== 'string') return mismatch(bothStrings(v, p));
  const re = compilePyRegex(p, flags);
  if (typeof re === 'string') return mismatch(`invalid regular expression ${JSON.stringify(p)}: ${re}`);
  // A sticky regex (re.match) is shared through the cache: its position must start at 0 every time.
  re.lastIndex = 0;
  return re.test(v);
}

/** `regex`: Python `re.search(pattern, value)`: anywhere in the string, no flags. */
export const regex: OperatorFn = (v, p) => search(v, p, '');

/** `iregex`: `re.search` ignoring case. */
export const iregex: OperatorFn = (v, p) => search(v, p, 'i');

/** `matchregex`: Python `re.match(pattern, value, DOTALL)`: anchored at the start only, `.` matches newlines. */
export const matchregex: OperatorFn = (v, p) => search(v, p, 'sy');
