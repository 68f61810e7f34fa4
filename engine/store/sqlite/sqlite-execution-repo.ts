import {
  completeExecution,
  type Execution,
  type ExecutionFilter,
  type ExecutionPatch,
  type ExecutionStatus,
  type NewExecution,
} from '../../model/execution.js';
import type { ExecutionRepo } from '../execution-repo.js';
import type { Page } from '../page.js';
import type { SqliteConnection } from './sqlite-connection.js';
import { guard } from './sqlite-errors.js';

// Patch fields in the order they are bound. `column` mirrors the field into an indexed column;
// `json` marks values bound through json(?) so that they land in the document as JSON, not text.
const PATCH_FIELDS: readonly { key: Exclude<keyof ExecutionPatch, 'appendLog'>; column?: string; json?: true }[] = [
  { key: 'status', column: 'status' },
  { key: 'heartbeat_at', column: 'heartbeat_at' },
  { key: 'end_timestamp' },
  { key: 'worker' },
  { key: 'attempts' },
  { key: 'result', json: true },
  { key: 'context', json: true },
  { key: 'children', json: true },
];

function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/** The compare-and-set UPDATE for one combination of patch fields (bit i = PATCH_FIELDS[i], then appendLog). */
function updateSql(shape: number, expectedCount: number): string {
  const columns = ['updated_at = ?'];
  const docPaths = [`'$.updated_at', ?`];
  PATCH_FIELDS.forEach((f, i) => {
    if (!(shape & (1 << i))) return;
    if (f.column) columns.push(`${f.column} = ?`);
    docPaths.push(f.json ? `'$.${f.key}', json(?)` : `'$.${f.key}', ?`);
  });
  // The context carries the user that list filters on.
  if (shape & (1 << PATCH_FIELDS.findIndex((f) => f.key === 'context'))) columns.push('user = ?');
  let docExpr = `json_set(doc, ${docPaths.join(', ')})`;
  if (shape & (1 << PATCH_FIELDS.length)) docExpr = `json_insert(${docExpr}, '$.log[#]', json(?))`;
  // One statement: the status check and the write cannot be separated by another writer, so two
  // racing transitions (in this process or another on the same file) never both succeed.
  return `UPDATE executions SET ${columns.join(', ')}, doc = ${docExpr}
    WHERE id = ? AND status IN (${placeholders(expectedCount)}) RETURNING doc`;
}

/** Executions as one JSON document plus the columns the scheduler, sweeper and API filter on. */
export class SqliteExecutionRepo implements ExecutionRepo {
  readonly #conn: SqliteConnection;
  readonly #updateSql = new Map<number, string>();

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async create(e: NewExecution): Promise<Execution> {
    const execution = completeExecution(e);
    await this.#conn.write(`creating execution ${e.id}`, () =>
      this.#conn
        .prepare(
          `INSERT INTO executions (id, status, action_ref, user, parent, start_timestamp, updated_at, heartbeat_at, doc)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          execution.id,
          execution.status,
          execution.action.ref,
          execution.context.user ?? null,
          execution.parent ?? null,
          execution.start_timestamp,
          execution.updated_at,
          execution.heartbeat_at ?? null,
          JSON.stringify(execution),
        ),
    );
    return execution;
  }

  async get(id: string): Promise<Execution | undefined> {
    const doc = guard(`reading execution ${id}`, () =>
      this.#conn.prepareValue<string>('SELECT doc FROM executions WHERE id = ?').get(id),
    );
    return doc === undefined ? undefined : (JSON.parse(doc) as Execution);
  }

  async list(filter: ExecutionFilter): Promise<Page<Execution>> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.action !== undefined) {
      where.push('action_ref = ?');
      args.push(filter.action);
    }
    if (filter.status !== undefined) {
      const statuses = typeof filter.status === 'string' ? [filter.status] : filter.status;
      where.push(statuses.length === 0 ? '0' : `status IN (${placeholders(statuses.length)})`);
      args.push(...statuses);
    }
    if (filter.user !== undefined) {
      where.push('user = ?');
      args.push(filter.user);
    }
    if (filter.parent !== undefined) {
      where.push('parent = ?');
      args.push(filter.parent);
    }
    if (filter.updatedBefore !== undefined) {
      where.push('updated_at < ?');
      args.push(filter.updatedBefore);
    }
    if (filter.heartbeatBefore !== undefined) {
      where.push('(heartbeat_at IS NULL OR heartbeat_at < ?)');
      args.push(filter.heartbeatBefore);
    }
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const dir = filter.order === 'asc' ? 'ASC' : 'DESC';
    const conn = this.#conn;
    const countSql = `SELECT COUNT(*) FROM executions ${whereSql}`;
    const pageSql = `SELECT doc FROM executions ${whereSql} ORDER BY start_timestamp ${dir}, id ${dir} LIMIT ? OFFSET ?`;
    // One read transaction so that `total` and `items` come from the same snapshot.
    const read = conn.db.transaction(() => {
      const total = conn.prepareValue<number>(countSql).get(...args) ?? 0;
      const docs = conn.prepareValue<string>(pageSql).all(...args, filter.limit ?? -1, filter.offset ?? 0);
      return { total, docs };
    });
    const { total, docs } = guard('listing executions', () => read());
    return { items: docs.map((d) => JSON.parse(d) as Execution), total };
  }

  async update(
    id: string,
    cas: { expect: { status: ExecutionStatus | readonly ExecutionStatus[] } },
    patch: ExecutionPatch,
  ): Promise<Execution | undefined> {
    const expected = typeof cas.expect.status === 'string' ? [cas.expect.status] : cas.expect.status;
    if (expected.length === 0) return undefined;
    const now = new Date().toISOString();
    // Bind order follows the SQL: indexed columns first, then the document's paths, then the WHERE.
    const columnArgs: unknown[] = [now];
    const docArgs: unknown[] = [now];
    let shape = 0;
    for (let i = 0; i < PATCH_FIELDS.length; i++) {
      const f = PATCH_FIELDS[i]!;
      const value = patch[f.key];
      if (value === undefined) continue;
      shape |= 1 << i;
      if (f.column) columnArgs.push(value);
      docArgs.push(f.json ? JSON.stringify(value) : value);
    }
    if (patch.context !== undefined) columnArgs.push(patch.context.user ?? null);
    if (patch.appendLog !== undefined) {
      shape |= 1 << PATCH_FIELDS.length;
      docArgs.push(JSON.stringify(patch.appendLog));
    }
    // The statement text depends only on which fields are present and how many statuses are
    // expected, so a handful of shapes cover every transition and each is built and prepared once.
    const key = shape * 16 + expected.length;
    let sql = this.#updateSql.get(key);
    if (sql === undefined) {
      sql = updateSql(shape, expected.length);
      this.#updateSql.set(key, sql);
    }
    const conn = this.#conn;
    const doc = await conn.write(`updating execution ${id}`, () =>
      conn.prepareValue<string>(sql).get(...columnArgs, ...docArgs, id, ...expected),
    );
    return doc === undefined ? undefined : (JSON.parse(doc) as Execution);
  }

  async heartbeat(id: string, at: string): Promise<boolean> {
    // A heartbeat is a sign of life, not a change of the execution, so `updated_at` stays put.
    const r = await this.#conn.write(`heartbeat of execution ${id}`, () =>
      this.#conn
        .prepare(
          `UPDATE executions SET heartbeat_at = ?, doc = json_set(doc, '$.heartbeat_at', ?)
           WHERE id = ? AND status = 'running'`,
        )
        .run(at, at, id),
    );
    return r.changes > 0;
  }

  async countByStatus(): Promise<Partial<Record<ExecutionStatus, number>>> {
    const rows = guard('counting executions', () =>
      this.#conn
        .prepare<{ status: ExecutionStatus; n: number }>('SELECT status, COUNT(*) AS n FROM executions GROUP BY status')
        .all(),
    );
    const counts: Partial<Record<ExecutionStatus, number>> = {};
    for (const r of rows) counts[r.status] = r.n;
    return counts;
  }
}
