import type { DedupRepo } from '../dedup-repo.js';
import type { SqliteConnection } from './sqlite-connection.js';

export class SqliteDedupRepo implements DedupRepo {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async claim(key: string, at?: string): Promise<boolean> {
    const r = await this.#conn.write('claiming a dedup key', () =>
      this.#conn
        .prepare('INSERT INTO dedup (key, at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING')
        .run(key, at ?? new Date().toISOString()),
    );
    return r.changes === 1;
  }

  async prune(before: string): Promise<number> {
    const r = await this.#conn.write('pruning dedup keys', () =>
      this.#conn.prepare('DELETE FROM dedup WHERE at < ?').run(before),
    );
    return r.changes;
  }
}
