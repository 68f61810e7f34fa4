import { SquallError } from '../../errors.js';
import { metrics } from '../../metrics/metrics.js';

// Driver error classes that mean "the server cannot be reached or the connection was lost".
const UNAVAILABLE_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'PoolClearedError',
  'MongooseServerSelectionError',
  'DisconnectedError',
]);

const NOT_CONNECTED = /initial connection|buffering timed out|not connected|connection .*closed/i;

/** MongoDB's duplicate-key error code. */
export const DUPLICATE_KEY = 11000;

export function isDuplicateKey(e: unknown): boolean {
  return typeof e === 'object' && e !== null && 'code' in e && (e as { code: unknown }).code === DUPLICATE_KEY;
}

/**
 * The one mapping from MongoDB and mongoose errors to Squall codes, matching the SQLite adapter:
 * duplicate keys become SQ_CONFLICT, lost or unreachable servers SQ_STORE_UNAVAILABLE.
 */
export function mapMongoError(
  e: unknown,
  what: string,
  fallback: 'SQ_INTERNAL' | 'SQ_STORE_UNAVAILABLE' = 'SQ_INTERNAL',
): SquallError {
  if (e instanceof SquallError) return e;
  const mapped = classify(e, what, fallback);
  // A duplicate key is how callers learn that something exists (idempotent writes), not a fault.
  if (mapped.code !== 'SQ_CONFLICT') metrics.storeError(mapped.code);
  return mapped;
}

function classify(e: unknown, what: string, fallback: 'SQ_INTERNAL' | 'SQ_STORE_UNAVAILABLE'): SquallError {
  const message = e instanceof Error ? e.message : String(e);
  if (isDuplicateKey(e)) return new SquallError('SQ_CONFLICT', `${what}: already exists (${message})`, { cause: e });
  const name = e instanceof Error ? e.name : '';
  const labels =
    typeof e === 'object' && e !== null && 'errorLabels' in e ? (e as { errorLabels: unknown }).errorLabels : [];
  if (
    UNAVAILABLE_NAMES.has(name) ||
    (Array.isArray(labels) && labels.includes('ResetPool')) ||
    // mongoose reports "used before the connection opened" as a plain MongooseError.
    (name === 'MongooseError' && NOT_CONNECTED.test(message))
  ) {
    return new SquallError('SQ_STORE_UNAVAILABLE', `${what}: MongoDB is unavailable (${message})`, { cause: e });
  }
  return new SquallError(fallback, `${what}: ${message}`, { cause: e });
}

/** Awaits a driver call and rethrows its failure as a SquallError naming the operation. */
export async function guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw mapMongoError(e, what);
  }
}
