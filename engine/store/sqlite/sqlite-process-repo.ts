import type { ProcessInfo, ProcessRepo } from '../process-repo.js';
import type { SqliteConnection } from './sqlite-connection.js';
import { guard } from './sqlite-errors.js';

/** Process heartbeats as rows of `processes` (the document as JSON, the heartbeat indexed). */
export class SqliteProcessRepo implements ProcessRepo {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async beat(p: ProcessInfo): Promise<void> {
    await this.#conn.write(`recording process ${p.id}`, () =>
      this.#conn
        .prepare(
          `INSERT INTO processes (id, heartbeat_at, doc) VALUES (?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, doc = excluded.doc`,
        )
        .run(p.id, p.heartbeat_at, JSON.stringify(p)),
    );
  }

  async list(opts: { since: string }): Promise<ProcessInfo[]> {
    const docs = guard('listing processes', () =>
      this.#conn.prepareValue<string>('SELECT doc FROM processes WHERE heartbeat_at >= ? ORDER BY id').all(opts.since),
    );
    return docs.map((d) => JSON.parse(d) as ProcessInfo);
  }

  async remove(id: string): Promise<boolean> {
    const r = await this.#conn.write(`removing process ${id}`, () =>
      this.#conn.prepare('DELETE FROM processes WHERE id = ?').run(id),
    );
    return r.changes === 1;
  }

  async prune(before: string): Promise<number> {
    const r = await this.#conn.write('pruning processes', () =>
      this.#conn.prepare('DELETE FROM processes WHERE heartbeat_at < ?').run(before),
    );
    return r.changes;
  }
}
