import type { OwedResult, OwedResultRepo } from '../owed-result-repo.js';
import type { SqliteConnection } from './sqlite-connection.js';
import { guard } from './sqlite-errors.js';

/** The ledger of chat results owed, one row per execution in `owed_results`. */
export class SqliteOwedResultRepo implements OwedResultRepo {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async owe(executionId: string, route: string): Promise<void> {
    await this.#conn.write(`recording the result owed for execution ${executionId}`, () =>
      this.#conn
        .prepare(
          `INSERT INTO owed_results (execution_id, route, created_at) VALUES (?, ?, ?)
           ON CONFLICT (execution_id) DO NOTHING`,
        )
        .run(executionId, route, new Date().toISOString()),
    );
  }

  async list(): Promise<OwedResult[]> {
    return guard('reading the results owed', () =>
      this.#conn
        .prepare<OwedResult>('SELECT execution_id, route, created_at FROM owed_results ORDER BY created_at, rowid')
        .all(),
    );
  }

  async settle(executionId: string): Promise<void> {
    await this.#conn.write(`settling the result owed for execution ${executionId}`, () =>
      this.#conn.prepare('DELETE FROM owed_results WHERE execution_id = ?').run(executionId),
    );
  }
}
