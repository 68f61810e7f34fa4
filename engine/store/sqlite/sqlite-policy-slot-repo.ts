import type { PolicySlot, PolicySlotRepo } from '../policy-slot-repo.js';
import type { SqliteConnection } from './sqlite-connection.js';
import { guard } from './sqlite-errors.js';

/**
 * Concurrency slots in `policy_slots`. `take` reads the key's slots and inserts the lowest free one
 * inside one write transaction (BEGIN IMMEDIATE), so schedulers in other processes on the same file
 * wait for it; the (key, slot) primary key would refuse a second holder anyway.
 */
export class SqlitePolicySlotRepo implements PolicySlotRepo {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async take(key: string, limit: number, holder: string): Promise<boolean> {
    const conn = this.#conn;
    return conn.write(`taking a concurrency slot of ${key}`, () => {
      const rows = conn
        .prepare<{ slot: number; holder: string }>('SELECT slot, holder FROM policy_slots WHERE key = ?')
        .all(key);
      if (rows.some((r) => r.holder === holder)) return true;
      const taken = new Set(rows.map((r) => r.slot));
      for (let slot = 0; slot < limit; slot++) {
        if (taken.has(slot)) continue;
        conn
          .prepare('INSERT INTO policy_slots (key, slot, holder, taken_at) VALUES (?, ?, ?, ?)')
          .run(key, slot, holder, new Date().toISOString());
        return true;
      }
      return false;
    });
  }

  async release(holder: string): Promise<string[]> {
    return this.#conn.write(`releasing the concurrency slots of ${holder}`, () =>
      this.#conn.prepareValue<string>('DELETE FROM policy_slots WHERE holder = ? RETURNING key').all(holder),
    );
  }

  async list(key: string): Promise<PolicySlot[]> {
    return guard(`reading the concurrency slots of ${key}`, () =>
      this.#conn
        .prepare<PolicySlot>('SELECT key, slot, holder, taken_at FROM policy_slots WHERE key = ? ORDER BY slot')
        .all(key),
    );
  }
}
