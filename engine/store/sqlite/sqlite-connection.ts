import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { SquallError } from '../../errors.js';
import { FALLBACK_AUTOCHECKPOINT_PAGES, startCheckpointer } from './sqlite-checkpointer.js';
import { guard, mapSqliteError } from './sqlite-errors.js';
import { migrate } from './sqlite-migrations.js';
import type { SqliteDatabase, SqliteDatabaseConstructor, SqliteStatement } from './sqlite-types.js';

const Driver = Database as unknown as SqliteDatabaseConstructor;

/** `?, ?, ?` for an `IN (...)` list of `n` values. */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/**
 * The garbage collector's delete on one table: the rows `where` selects, at most `limit` of them,
 * counted instead when `dryRun`. `where` must name columns of `table` only.
 */
export async function purgeRows(
  conn: SqliteConnection,
  what: string,
  table: string,
  where: string,
  args: readonly unknown[],
  req: { dryRun?: boolean; limit?: number },
): Promise<number> {
  if (req.dryRun) {
    return guard(
      what,
      () => conn.prepareValue<number>(`SELECT COUNT(*) FROM ${table} WHERE ${where}`).get(...args) ?? 0,
    );
  }
  const r = await conn.write(what, () =>
    conn
      .prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${where} LIMIT ?)`)
      .run(...args, req.limit ?? -1),
  );
  return r.changes;
}

/** How long a writer waits for another connection's lock before failing with SQ_STORE_UNAVAILABLE. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * The store holds secrets in clear (execution parameters), so the file is the owner's alone, like the
 * rest of the data dir: created 0600 before SQLite opens it (SQLite gives its -wal and -shm files the
 * database file's mode), and files an older version left 0644 are narrowed.
 */
function restrictToOwner(path: string): void {
  if (path === ':memory:' || path === '') return;
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  for (const p of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(p)) chmodSync(p, 0o600);
}

/**
 * Work a repo leaves to the end of each group commit, registered once with `onCommit`: its writes
 * gather what they owe in memory, and `beforeCommit` stores it in one go (the stream's events, one
 * segment row per commit, see sqlite-event-repo.ts), which is cheaper and far smaller than a row per write.
 */
export interface CommitHook {
  /**
   * Runs inside the transaction, after the batch's writes and before COMMIT (also when none of them
   * was this repo's). Throwing fails the whole batch, as an I/O error does: every write in it rejects.
   */
  beforeCommit?(): void;
  /** The batch committed: what `beforeCommit` stored is there for good. Must not throw (the writes settle after it). */
  committed(): void;
  /** The batch did not commit: what its writes gathered for `beforeCommit` is to be forgotten. */
  rolledBack(): void;
}

interface PendingWrite {
  what: string;
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * Owns the better-sqlite3 handle: opens it at `open()` (pragmas + migrations), hands out prepared
 * statements cached by SQL text so that no call re-parses SQL, and commits writes in groups.
 *
 * Group commit: a commit costs more than the statements in it (the WAL write), so
 * writes issued during one event-loop turn run together in one IMMEDIATE transaction at the next
 * `setImmediate`, and their promises settle after COMMIT. Each write keeps its own outcome: a failed
 * statement is rolled back alone and only its promise rejects. The write lock is held only inside
 * that synchronous flush, never across an await, so several connections in one process (or other
 * processes on the same file) cannot deadlock on it.
 */
export class SqliteConnection {
  readonly #path: string;
  #db: SqliteDatabase | undefined;
  readonly #statements = new Map<string, SqliteStatement>();
  #pending: PendingWrite[] = [];
  #flushScheduled = false;
  #checkpointer: { stop(): Promise<void> } | undefined;
  readonly #hooks: CommitHook[] = [];

  constructor(path: string) {
    this.#path = path;
  }

  get db(): SqliteDatabase {
    if (!this.#db) throw new SquallError('SQ_STORE_UNAVAILABLE', 'SQLite store used before init() or after close()');
    return this.#db;
  }

  /** Opens the file (idempotent) and applies pending migrations; returns the versions applied now. */
  open(): number[] {
    const what = `opening SQLite store at ${this.#path}`;
    return guard(what, () => {
      if (!this.#db) {
        let db: SqliteDatabase;
        try {
          restrictToOwner(this.#path);
          db = new Driver(this.#path, { timeout: BUSY_TIMEOUT_MS });
        } catch (e) {
          // A missing folder or unreadable file throws a plain TypeError with no SQLite code.
          throw mapSqliteError(e, what, 'SQ_STORE_UNAVAILABLE');
        }
        // WAL lets readers run beside the one writer; NORMAL syncs at checkpoints, not every commit,
        // which keeps commits cheap and is still crash-safe for the database (a power loss may lose
        // the last commits, which the scheduler's sweep of `requested` rows tolerates).
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
        this.#db = db;
      }
      const applied = migrate(this.#db);
      if (this.#checkpointer === undefined && this.#path !== ':memory:' && this.#path !== '') {
        // Checkpoints happen on a worker thread, not inside this thread's commits (sqlite-checkpointer.ts).
        this.#db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
        this.#checkpointer = startCheckpointer(this.#path);
      }
      return applied;
    });
  }

  /** A prepared statement, compiled once per connection. */
  prepare<R = unknown>(sql: string): SqliteStatement<R> {
    let s = this.#statements.get(sql);
    if (!s) {
      s = guard('preparing a SQLite statement', () => this.db.prepare(sql));
      this.#statements.set(sql, s);
    }
    return s as SqliteStatement<R>;
  }

  /** Like `prepare`, but the statement yields the first column's value instead of a row object. */
  prepareValue<R = unknown>(sql: string): SqliteStatement<R> {
    const key = `pluck:${sql}`;
    let s = this.#statements.get(key);
    if (!s) {
      s = guard('preparing a SQLite statement', () => this.db.prepare(sql).pluck());
      this.#statements.set(key, s);
    }
    return s as SqliteStatement<R>;
  }

  /**
   * Queues a write for the next group commit. `run` executes synchronously inside the group's
   * transaction; the promise settles with its result once the group is committed. `what` names the
   * operation in errors.
   */
  write<T>(what: string, run: () => T): Promise<T> {
    if (!this.#db) return Promise.reject(this.#closedError(what));
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ what, run, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(this.#flush);
      }
    });
  }

  /** Registers work to do at the end of every group commit (see CommitHook); once per repo. */
  onCommit(hook: CommitHook): void {
    this.#hooks.push(hook);
  }

  readonly #flush = (): void => {
    this.#flushScheduled = false;
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    const db = this.#db;
    if (!db) {
      for (const w of batch) w.reject(this.#closedError(w.what));
      return;
    }
    const failAll = (e: unknown, what: string) => {
      const err = mapSqliteError(e, what, 'SQ_STORE_UNAVAILABLE');
      for (const h of this.#hooks) h.rolledBack();
      for (const w of batch) w.reject(err);
    };
    try {
      this.prepare('BEGIN IMMEDIATE').run();
    } catch (e) {
      failAll(e, 'starting a SQLite write transaction');
      return;
    }
    const outcomes: { ok: boolean; value: unknown }[] = [];
    for (const w of batch) {
      try {
        outcomes.push({ ok: true, value: w.run() });
      } catch (e) {
        // Constraint errors undo only their statement; I/O errors can abort the whole transaction,
        // and then the writes before this one are gone too.
        if (!db.inTransaction) {
          failAll(e, w.what);
          return;
        }
        outcomes.push({ ok: false, value: mapSqliteError(e, w.what) });
      }
    }
    try {
      // A hook's rows belong to the writes of this batch: if they cannot be stored, neither is the batch.
      for (const h of this.#hooks) h.beforeCommit?.();
      this.prepare('COMMIT').run();
    } catch (e) {
      if (db.inTransaction) db.exec('ROLLBACK');
      failAll(e, 'committing SQLite writes');
      return;
    }
    for (const h of this.#hooks) h.committed();
    batch.forEach((w, i) => {
      const o = outcomes[i]!;
      if (o.ok) w.resolve(o.value);
      else w.reject(o.value);
    });
  };

  #closedError(what: string): SquallError {
    return new SquallError('SQ_STORE_UNAVAILABLE', `${what}: SQLite store used before init() or after close()`);
  }

  /**
   * Stops the checkpointer (its connection is closed before this one, so nothing touches the files
   * once this resolves), commits queued writes, then closes the file.
   */
  async close(): Promise<void> {
    const checkpointer = this.#checkpointer;
    this.#checkpointer = undefined;
    await checkpointer?.stop();
    this.#flush();
    this.#statements.clear();
    const db = this.#db;
    this.#db = undefined;
    if (db?.open && checkpointer !== undefined) {
      // Another process may still have the file open, which keeps SQLite from folding the WAL in at close.
      try {
        db.pragma('wal_checkpoint(TRUNCATE)');
      } catch {
        // Busy: the WAL stays and the next open reads it; nothing is lost.
      }
    }
    if (db?.open) db.close();
  }
}
