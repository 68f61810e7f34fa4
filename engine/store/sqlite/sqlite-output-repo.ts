import type { OutputChunk, OutputStream } from '../../model/execution.js';
import { EXECUTION_STATUSES, TERMINAL_STATUSES } from '../../model/execution.js';
import type { OutputRepo } from '../output-repo.js';
import type { PurgeRequest } from '../purge.js';
import { purgeRows, type SqliteConnection } from './sqlite-connection.js';
import { guard } from './sqlite-errors.js';

// Named statuses, not `NOT IN` the terminal ones: executions_status finds these few rows, where
// `NOT IN` read every execution (no index holds both status and id).
const NOT_TERMINAL = EXECUTION_STATUSES.filter((s) => !TERMINAL_STATUSES.includes(s));
const UNDER_WAY = `SELECT id FROM executions WHERE status IN (${NOT_TERMINAL.map((s) => `'${s}'`).join(', ')})`;

/** Execution output: AUTOINCREMENT makes `seq` grow across the whole store, never reused. */
export class SqliteOutputRepo implements OutputRepo {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async append(
    chunks: { execution_id: string; stream: OutputStream; data: string; timestamp?: string }[],
  ): Promise<OutputChunk[]> {
    if (chunks.length === 0) return [];
    const conn = this.#conn;
    const tx = conn.db.transaction(() => {
      const insert = conn.prepareValue<number>(
        'INSERT INTO output (execution_id, stream, data, timestamp) VALUES (?, ?, ?, ?) RETURNING seq',
      );
      const now = new Date().toISOString();
      return chunks.map((c): OutputChunk => {
        const timestamp = c.timestamp ?? now;
        const seq = insert.get(c.execution_id, c.stream, c.data, timestamp) as number;
        return { seq, execution_id: c.execution_id, stream: c.stream, data: c.data, timestamp };
      });
    });
    return conn.write('appending execution output', () => tx());
  }

  async list(executionId: string, opts: { afterSeq?: number; stream?: OutputStream } = {}): Promise<OutputChunk[]> {
    return guard(`reading output of execution ${executionId}`, () =>
      opts.stream === undefined
        ? this.#conn
            .prepare<OutputChunk>(
              `SELECT seq, execution_id, stream, data, timestamp FROM output
               WHERE execution_id = ? AND seq > ? ORDER BY seq`,
            )
            .all(executionId, opts.afterSeq ?? 0)
        : this.#conn
            .prepare<OutputChunk>(
              `SELECT seq, execution_id, stream, data, timestamp FROM output
               WHERE execution_id = ? AND seq > ? AND stream = ? ORDER BY seq`,
            )
            .all(executionId, opts.afterSeq ?? 0, opts.stream),
    );
  }

  async purge(req: PurgeRequest): Promise<number> {
    return purgeRows(
      this.#conn,
      'purging execution output',
      'output',
      `timestamp < ? AND execution_id NOT IN (${UNDER_WAY})`,
      [req.before],
      req,
    );
  }
}
