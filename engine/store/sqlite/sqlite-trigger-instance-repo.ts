import type { TriggerInstance, TriggerInstanceStatus } from '../../model/trigger.js';
import type { Page } from '../page.js';
import type { PurgeRequest } from '../purge.js';
import type { TriggerInstanceFilter, TriggerInstanceRepo } from '../trigger-instance-repo.js';
import { placeholders, purgeRows, type SqliteConnection } from './sqlite-connection.js';
import { guard } from './sqlite-errors.js';
import {
  INSTANCE_COLUMNS as COLUMNS,
  instanceFromRow as fromRow,
  type InstanceRow,
  instanceDoc,
} from './sqlite-trigger-instance-codec.js';

const STATUSES: ReadonlySet<string> = new Set<TriggerInstanceStatus>([
  'pending',
  'processing',
  'processed',
  'processing_failed',
]);

/**
 * `status` is one of these, as literals ORed: SQLite uses the partial trigger_instances_status index
 * (migration 25) only when it can see at prepare time that the query falls inside its condition.
 */
function statusIn(statuses: readonly TriggerInstanceStatus[]): string {
  const known = statuses.filter((s) => STATUSES.has(s));
  return known.length === 0 ? '0' : `(${known.map((s) => `status = '${s}'`).join(' OR ')})`;
}

/** Trigger instances as columns the API and the recovery sweep filter on, plus a JSON document of the rest. */
export class SqliteTriggerInstanceRepo implements TriggerInstanceRepo {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async create(t: TriggerInstance): Promise<TriggerInstance> {
    await this.#conn.write(`storing trigger instance ${t.id}`, () =>
      this.#conn
        .prepare(
          `INSERT INTO trigger_instances (id, trigger, status, occurrence_time, updated_at, doc)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(t.id, t.trigger, t.status, t.occurrence_time, t.updated_at, instanceDoc(t)),
    );
    return t;
  }

  async get(id: string): Promise<TriggerInstance | undefined> {
    const row = guard(`reading trigger instance ${id}`, () =>
      this.#conn.prepare<InstanceRow>(`SELECT ${COLUMNS} FROM trigger_instances WHERE id = ?`).get(id),
    );
    return row === undefined ? undefined : fromRow(row);
  }

  async list(filter: TriggerInstanceFilter): Promise<Page<TriggerInstance>> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.trigger !== undefined) {
      where.push('trigger = ?');
      args.push(filter.trigger);
    }
    if (filter.traceTag !== undefined) {
      // The expression of the trigger_instances_trace index, so that the index serves it.
      where.push("json_extract(doc, '$.trace_tag') = ?");
      args.push(filter.traceTag);
    }
    if (filter.status !== undefined) {
      where.push(statusIn(typeof filter.status === 'string' ? [filter.status] : filter.status));
    }
    if (filter.occurredAfter !== undefined) {
      where.push('occurrence_time > ?');
      args.push(filter.occurredAfter);
    }
    if (filter.occurredBefore !== undefined) {
      where.push('occurrence_time < ?');
      args.push(filter.occurredBefore);
    }
    if (filter.updatedBefore !== undefined) {
      where.push('updated_at < ?');
      args.push(filter.updatedBefore);
    }
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const dir = filter.order === 'asc' ? 'ASC' : 'DESC';
    const conn = this.#conn;
    const read = conn.db.transaction(() => ({
      total: conn.prepareValue<number>(`SELECT COUNT(*) FROM trigger_instances ${whereSql}`).get(...args) ?? 0,
      docs: conn
        .prepare<InstanceRow>(
          `SELECT ${COLUMNS} FROM trigger_instances ${whereSql} ORDER BY occurrence_time ${dir}, id ${dir} LIMIT ? OFFSET ?`,
        )
        .all(...args, filter.limit ?? -1, filter.offset ?? 0),
    }));
    const { total, docs } = guard('listing trigger instances', () => read());
    return { items: docs.map(fromRow), total };
  }

  async setStatus(
    id: string,
    expect: readonly TriggerInstanceStatus[],
    status: TriggerInstanceStatus,
  ): Promise<TriggerInstance | undefined> {
    if (expect.length === 0) return undefined;
    const conn = this.#conn;
    // One conditional statement inside the write lock: two racing consumers never both move it. Only
    // the columns change (reads lay them over the document), so a status change never rewrites it.
    return conn.write(`updating trigger instance ${id}`, () => {
      const row = conn
        .prepare<InstanceRow>(
          `UPDATE trigger_instances SET status = ?, updated_at = ?
           WHERE id = ? AND status IN (${placeholders(expect.length)}) RETURNING ${COLUMNS}`,
        )
        .get(status, new Date().toISOString(), id, ...expect);
      return row === undefined ? undefined : fromRow(row);
    });
  }

  async purge(req: PurgeRequest): Promise<number> {
    return purgeRows(
      this.#conn,
      'purging trigger instances',
      'trigger_instances',
      "occurrence_time < ? AND status IN ('processed', 'processing_failed')",
      [req.before],
      req,
    );
  }
}
