import type { JsonValue } from '../../model/json.js';
import type { MarkRepo } from '../mark-repo.js';
import type { SqliteConnection } from './sqlite-connection.js';
import { guard } from './sqlite-errors.js';

/** Small records with optional expiry; an expired value reads as absent and is overwritten by `set`. */
export class SqliteMarkRepo implements MarkRepo {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async get(key: string): Promise<JsonValue | undefined> {
    const value = guard(`reading key ${key}`, () =>
      this.#conn
        .prepareValue<string>('SELECT value FROM marks WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)')
        .get(key, new Date().toISOString()),
    );
    return value === undefined ? undefined : (JSON.parse(value) as JsonValue);
  }

  async set(key: string, value: JsonValue, opts: { expiresAt?: string } = {}): Promise<void> {
    await this.#conn.write(`writing key ${key}`, () =>
      this.#conn
        .prepare(
          `INSERT INTO marks (key, value, expires_at) VALUES (?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
        )
        .run(key, JSON.stringify(value), opts.expiresAt ?? null),
    );
  }

  async delete(key: string): Promise<boolean> {
    // Expired rows are removed too, but only a live value counts as "deleted".
    const expiresAt = await this.#conn.write(`deleting key ${key}`, () =>
      this.#conn
        .prepare<{ expires_at: string | null }>('DELETE FROM marks WHERE key = ? RETURNING expires_at')
        .get(key),
    );
    if (expiresAt === undefined) return false;
    return expiresAt.expires_at === null || expiresAt.expires_at > new Date().toISOString();
  }
}
