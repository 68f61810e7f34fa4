import {
  completeExecution,
  type Execution,
  type ExecutionFilter,
  type ExecutionPatch,
  type ExecutionStatus,
  type NewExecution,
  TERMINAL_STATUSES,
} from '../../model/execution.js';
import type { JsonObject } from '../../model/json.js';
import type { ExecutionRepo } from '../execution-repo.js';
import type { Page } from '../page.js';
import type { PurgeRequest } from '../purge.js';
import { placeholders, type SqliteConnection } from './sqlite-connection.js';
import type { SqliteDocParts } from './sqlite-doc-parts.js';
import { guard } from './sqlite-errors.js';
import {
  columnsOf,
  decodeExecution,
  type ExecutionColumns,
  encodeExecution,
  encodeParts,
  partsJson,
} from './sqlite-execution-codec.js';
import { writeBackExecutionFields } from './sqlite-trigger-instance-repo.js';

interface ExecutionRow extends ExecutionColumns {
  doc: string;
  parts: string | null;
}

/** Fields stored once in doc_parts (see sqlite-doc-parts.ts), the same for every execution of an action. */
const SHARED = ['action'] as const;
const COLUMNS = 'id, status, user, start_timestamp, updated_at, heartbeat_at, doc, parts';

const TERMINAL_SQL = TERMINAL_STATUSES.map((s) => `'${s}'`).join(', ');

/**
 * Terminal executions changed before `?`, with no parent and no child still under way: what the
 * garbage collector may delete.
 */
const PURGEABLE = `e.status IN (${TERMINAL_SQL}) AND e.updated_at < ?
  AND (e.parent IS NULL OR NOT EXISTS
    (SELECT 1 FROM executions p WHERE p.id = e.parent AND p.status NOT IN (${TERMINAL_SQL})))
  AND NOT EXISTS (SELECT 1 FROM executions c WHERE c.parent = e.id AND c.status NOT IN (${TERMINAL_SQL}))`;

/** The document after `patch`, stamped `now`. */
function patched(e: Execution, patch: ExecutionPatch, now: string): Execution {
  const { appendLog, ...fields } = patch;
  const out: Execution = { ...e, updated_at: now };
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) Object.assign(out, { [k]: v });
  if (appendLog !== undefined) out.log = [...e.log, appendLog];
  return out;
}

/** Executions as one JSON document plus the columns the scheduler, sweeper and API filter on. */
export class SqliteExecutionRepo implements ExecutionRepo {
  readonly #conn: SqliteConnection;
  readonly #parts: SqliteDocParts;

  constructor(conn: SqliteConnection, parts: SqliteDocParts) {
    this.#conn = conn;
    this.#parts = parts;
  }

  /** The stored document with its parts and the columns it was stored without (sqlite-execution-codec.ts). */
  readonly #fromRow = (row: ExecutionRow): Execution =>
    decodeExecution(row.doc, row, (doc) => this.#parts.join(doc, partsJson(row.parts)));

  /** The document and parts columns of an execution written with `cols`; inside a write. */
  #stored(e: Execution, cols: ExecutionColumns): [string, string | null] {
    const { rest, refs } = this.#parts.split(e as unknown as JsonObject, SHARED);
    return [encodeExecution(rest, cols, e.action?.runner_type), encodeParts(refs)];
  }

  async create(e: NewExecution): Promise<Execution> {
    const execution = completeExecution(e);
    const cols = columnsOf(execution);
    await this.#conn.write(`creating execution ${e.id}`, () =>
      this.#conn
        .prepare(
          `INSERT INTO executions (id, status, action_ref, user, parent, start_timestamp, updated_at, heartbeat_at, doc, parts)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          cols.id,
          cols.status,
          execution.action.ref,
          cols.user,
          execution.parent ?? null,
          cols.start_timestamp,
          cols.updated_at,
          cols.heartbeat_at,
          ...this.#stored(execution, cols),
        ),
    );
    return execution;
  }

  async get(id: string): Promise<Execution | undefined> {
    const row = guard(`reading execution ${id}`, () =>
      this.#conn.prepare<ExecutionRow>(`SELECT ${COLUMNS} FROM executions WHERE id = ?`).get(id),
    );
    return row === undefined ? undefined : this.#fromRow(row);
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
    if (filter.parent === null) where.push('parent IS NULL');
    else if (filter.parent !== undefined) {
      where.push('parent = ?');
      args.push(filter.parent);
    }
    if (filter.startedAfter !== undefined) {
      where.push('start_timestamp > ?');
      args.push(filter.startedAfter);
    }
    if (filter.startedBefore !== undefined) {
      where.push('start_timestamp < ?');
      args.push(filter.startedBefore);
    }
    if (filter.updatedBefore !== undefined) {
      where.push('updated_at < ?');
      args.push(filter.updatedBefore);
    }
    if (filter.updatedAfter !== undefined) {
      where.push('updated_at >= ?');
      args.push(filter.updatedAfter);
    }
    if (filter.heartbeatBefore !== undefined) {
      where.push('(heartbeat_at IS NULL OR heartbeat_at < ?)');
      args.push(filter.heartbeatBefore);
    }
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const dir = filter.order === 'asc' ? 'ASC' : 'DESC';
    const conn = this.#conn;
    const countSql = `SELECT COUNT(*) FROM executions ${whereSql}`;
    const pageSql = `SELECT ${COLUMNS} FROM executions ${whereSql} ORDER BY start_timestamp ${dir}, id ${dir} LIMIT ? OFFSET ?`;
    // One read transaction so that `total` and `items` come from the same snapshot.
    const read = conn.db.transaction(() => {
      const total = conn.prepareValue<number>(countSql).get(...args) ?? 0;
      const rows = conn.prepare<ExecutionRow>(pageSql).all(...args, filter.limit ?? -1, filter.offset ?? 0);
      return { total, rows };
    });
    const { total, rows } = guard('listing executions', () => read());
    return { items: rows.map(this.#fromRow), total };
  }

  async update(
    id: string,
    cas: { expect: { status: ExecutionStatus | readonly ExecutionStatus[] } },
    patch: ExecutionPatch,
  ): Promise<Execution | undefined> {
    const expected = typeof cas.expect.status === 'string' ? [cas.expect.status] : cas.expect.status;
    if (expected.length === 0) return undefined;
    const conn = this.#conn;
    // The document is read, changed and written in JavaScript inside one write transaction, never
    // through SQLite's JSON functions: those refuse some documents JSON.parse reads (nested past
    // 1,000 levels, say), and an update that cannot fail on what is stored is what keeps one odd row
    // from stopping a transition, a cancel or the sweeper. The status check and the write share the
    // transaction, so two racing transitions (in this or another process) never both succeed.
    return conn.write(`updating execution ${id}`, () => {
      const row = conn
        .prepare<ExecutionRow>(
          `SELECT ${COLUMNS} FROM executions WHERE id = ? AND status IN (${placeholders(expected.length)})`,
        )
        .get(id, ...expected);
      if (row === undefined) return undefined;
      const next = patched(this.#fromRow(row), patch, new Date().toISOString());
      const cols = columnsOf(next, row);
      conn
        .prepare(
          'UPDATE executions SET status = ?, heartbeat_at = ?, updated_at = ?, user = ?, doc = ?, parts = ? WHERE id = ?',
        )
        .run(cols.status, cols.heartbeat_at, cols.updated_at, cols.user, ...this.#stored(next, cols), id);
      return next;
    });
  }

  async heartbeat(id: string, at: string): Promise<boolean> {
    // A heartbeat is a sign of life, not a change of the execution, so `updated_at` stays put; it
    // lives in its column only (reads lay it over the document), so it never rewrites the document.
    const r = await this.#conn.write(`heartbeat of execution ${id}`, () =>
      this.#conn.prepare(`UPDATE executions SET heartbeat_at = ? WHERE id = ? AND status = 'running'`).run(at, id),
    );
    return r.changes > 0;
  }

  async purge(req: PurgeRequest): Promise<number> {
    const conn = this.#conn;
    if (req.dryRun) {
      return guard(
        'counting executions to purge',
        () => conn.prepareValue<number>(`SELECT COUNT(*) FROM executions e WHERE ${PURGEABLE}`).get(req.before) ?? 0,
      );
    }
    // Chosen and deleted in one write transaction: nothing can start or change in between.
    return conn.write('purging executions', () => {
      const ids = conn
        .prepareValue<string>(`SELECT e.id FROM executions e WHERE ${PURGEABLE} LIMIT ?`)
        .all(req.before, req.limit ?? -1);
      if (ids.length === 0) return 0;
      const list = JSON.stringify(ids);
      writeBackExecutionFields(conn, ids, COLUMNS, this.#fromRow);
      conn.prepare('DELETE FROM output WHERE execution_id IN (SELECT value FROM json_each(?))').run(list);
      conn.prepare('DELETE FROM workflows WHERE id IN (SELECT value FROM json_each(?))').run(list);
      return conn.prepare('DELETE FROM executions WHERE id IN (SELECT value FROM json_each(?))').run(list).changes;
    });
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
