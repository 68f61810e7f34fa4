// The slice of better-sqlite3 the SQLite store uses; nothing else in Squall sees the driver's types.

export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

export interface SqliteStatement<R = unknown> {
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): R | undefined;
  all(...params: unknown[]): R[];
  /** Return only the first column of each row instead of a row object. */
  pluck(toggle?: boolean): this;
}

export interface SqliteTransaction<A extends unknown[], R> {
  (...args: A): R;
  /** Runs as BEGIN IMMEDIATE: takes the write lock up front, so readers cannot upgrade into a deadlock. */
  immediate(...args: A): R;
}

export interface SqliteDatabase {
  readonly open: boolean;
  /** True while a transaction is open (false after SQLite rolled one back on its own). */
  readonly inTransaction: boolean;
  prepare<R = unknown>(sql: string): SqliteStatement<R>;
  exec(sql: string): this;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): SqliteTransaction<A, R>;
  close(): this;
}

export interface SqliteDatabaseOptions {
  /** Milliseconds to wait on a locked database before SQLITE_BUSY. */
  timeout?: number;
}

export type SqliteDatabaseConstructor = new (path: string, options?: SqliteDatabaseOptions) => SqliteDatabase;
