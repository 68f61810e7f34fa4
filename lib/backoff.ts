/**
 * How randomness spreads the retries of many clients that failed at the same moment:
 * - `none`: the plain capped doubling (a single retrier, such as one queue's redelivery).
 * - `equal`: half of the capped delay is fixed, half random ("equal jitter").
 * - `spread`: the capped delay times a random factor between 0.8 and 1.2.
 */
export type Jitter = 'none' | 'equal' | 'spread';

export interface BackoffOptions {
  /** Delay before the first retry (attempt 1), in ms; each further attempt doubles it. */
  baseMs: number;
  /** Ceiling of the doubling, in ms. @default Infinity */
  maxMs?: number;
  /** @default 'none' */
  jitter?: Jitter;
  /** Source of randomness in [0, 1), for tests. @default Math.random */
  random?: () => number;
}

// 2 ** 30 times any base is past every ceiling in use; it keeps the arithmetic finite.
const MAX_EXPONENT = 30;

/**
 * The delay in whole ms before retry number `attempt` (1 for the first): `baseMs * 2^(attempt-1)`,
 * capped at `maxMs`, then jittered.
 *
 * @example
 * backoffDelay(3, { baseMs: 1000, maxMs: 60_000, jitter: 'spread' }); // 3200..4800
 */
export function backoffDelay(attempt: number, o: BackoffOptions): number {
  const exponent = Math.min(Math.max(0, attempt - 1), MAX_EXPONENT);
  const capped = Math.min(o.maxMs ?? Number.POSITIVE_INFINITY, o.baseMs * 2 ** exponent);
  const random = o.random ?? Math.random;
  switch (o.jitter ?? 'none') {
    case 'equal':
      return Math.round(capped / 2 + random() * (capped / 2));
    case 'spread':
      return Math.round(capped * (0.8 + random() * 0.4));
    default:
      return Math.round(capped);
  }
}
