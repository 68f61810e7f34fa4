import { SquallError } from '../../errors.js';
import { metrics } from '../../metrics/metrics.js';

// SQLite's extended result codes that mean "the database is there but cannot serve us right now"
// (locked past busy_timeout, disk trouble, read-only file). Callers may retry these later.
const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|PROTOCOL|NOTADB|CORRUPT)/;

/**
 * The one mapping from better-sqlite3 errors to Squall codes, so callers see the same errors as on
 * MongoDB: unique violations become SQ_CONFLICT, lock and I/O trouble SQ_STORE_UNAVAILABLE.
 */
export function mapSqliteError(
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
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  const message = e instanceof Error ? e.message : String(e);
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return new SquallError('SQ_CONFLICT', `${what}: already exists (${message})`, { cause: e });
  }
  if (UNAVAILABLE.test(code)) {
    return new SquallError('SQ_STORE_UNAVAILABLE', `${what}: SQLite is unavailable (${code}: ${message})`, {
      cause: e,
    });
  }
  return new SquallError(fallback, `${what}: ${message}`, { cause: e });
}

/** Runs a synchronous driver call and rethrows its failure as a SquallError naming the operation. */
export function guard<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw mapSqliteError(e, what);
  }
}
