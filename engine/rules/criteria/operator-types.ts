import type { Verdict } from './py-values.js';

/** What an operator may depend on besides its two values. */
export interface OperatorEnv {
  /** The evaluation time, for timediff_lt/timediff_gt. */
  now: Date;
}

/**
 * One operator: `value` is the payload value (`null` when the path is missing or null, as Python's
 * None), `pattern` the rendered pattern. Never throws: a type that does not fit is a Mismatch.
 */
export type OperatorFn = (value: unknown, pattern: unknown, env: OperatorEnv) => Verdict;
