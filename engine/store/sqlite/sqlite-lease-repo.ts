import type { Lease, LeaseRepo } from '../lease-repo.js';
import type { SqliteConnection } from './sqlite-connection.js';
import { guard } from './sqlite-errors.js';

const until = (ttlMs: number) => new Date(Date.now() + ttlMs).toISOString();

/**
 * Leases as rows of `leases`. Each change is one conditional statement inside the write lock, so
 * the condition and the change cannot be split by another connection or process.
 */
export class SqliteLeaseRepo implements LeaseRepo {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async acquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const r = await this.#conn.write(`acquiring lease ${name}`, () =>
      this.#conn
        .prepare(
          // The upsert's WHERE leaves a live lease of another holder untouched (0 changes).
          `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
           WHERE leases.holder = excluded.holder OR leases.expires_at <= ?`,
        )
        .run(name, holder, until(ttlMs), new Date().toISOString()),
    );
    return r.changes === 1;
  }

  async renew(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const r = await this.#conn.write(`renewing lease ${name}`, () =>
      this.#conn
        .prepare('UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ? AND expires_at > ?')
        .run(until(ttlMs), name, holder, new Date().toISOString()),
    );
    return r.changes === 1;
  }

  async release(name: string, holder: string): Promise<boolean> {
    const r = await this.#conn.write(`releasing lease ${name}`, () =>
      this.#conn.prepare('DELETE FROM leases WHERE name = ? AND holder = ?').run(name, holder),
    );
    return r.changes === 1;
  }

  async get(name: string): Promise<Lease | undefined> {
    return guard(`reading lease ${name}`, () =>
      this.#conn
        .prepare<Lease>('SELECT name, holder, expires_at FROM leases WHERE name = ? AND expires_at > ?')
        .get(name, new Date().toISOString()),
    );
  }
}
