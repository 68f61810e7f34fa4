import { type ActionTriggerFields, actionTriggerFields, actionTriggerId } from '../../model/action-trigger.js';
import type { Execution } from '../../model/execution.js';
import type { TriggerInstance, TriggerInstanceStatus } from '../../model/trigger.js';
import type { ExecutionRepo } from '../execution-repo.js';
import type { Page } from '../page.js';
import type { PurgeRequest } from '../purge.js';
import type { TriggerInstanceFilter, TriggerInstanceRepo } from '../trigger-instance-repo.js';
import { placeholders, purgeRows, type SqliteConnection } from './sqlite-connection.js';
import { guard } from './sqlite-errors.js';
import {
  INSTANCE_COLUMNS as COLUMNS,
  type DecodedInstance,
  decodeInstance,
  type InstanceRow,
  instanceDoc,
  payloadIsExecutions,
  referredExecution,
  smallFields,
  withExecution,
} from './sqlite-trigger-instance-codec.js';

const STATUSES: ReadonlySet<string> = new Set<TriggerInstanceStatus>([
  'pending',
  'processing',
  'processed',
  'processing_failed',
]);

/** How many executions' fields #recent keeps. */
const RECENT = 256;

/**
 * `status` is one of these, as literals ORed: SQLite uses the partial trigger_instances_status index
 * (migration 25) only when it can see at prepare time that the query falls inside its condition.
 */
function statusIn(statuses: readonly TriggerInstanceStatus[]): string {
  const known = statuses.filter((s) => STATUSES.has(s));
  return known.length === 0 ? '0' : `(${known.map((s) => `status = '${s}'`).join(' OR ')})`;
}

/**
 * Trigger instances as columns the API and the recovery sweep filter on, plus a JSON document of the
 * rest. The notifier's actiontrigger for a settled execution stores of its payload only what is not
 * the execution's own (execution_id, the masked parameters); reads take the rest from the execution,
 * and the executions purge writes it back before the execution goes (writeBackExecutionFields).
 */
export class SqliteTriggerInstanceRepo implements TriggerInstanceRepo {
  readonly #conn: SqliteConnection;
  readonly #executions: Pick<ExecutionRepo, 'get'>;
  /**
   * The fields of the executions whose actiontriggers were stored last (they never change, see
   * payloadIsExecutions): the rules engine's reads and status changes right after need no execution read.
   */
  readonly #recent = new Map<string, ActionTriggerFields>();

  constructor(conn: SqliteConnection, executions: Pick<ExecutionRepo, 'get'>) {
    this.#conn = conn;
    this.#executions = executions;
  }

  async create(t: TriggerInstance): Promise<TriggerInstance> {
    const ref = referredExecution(t);
    const e = ref === undefined ? undefined : await this.#executions.get(ref);
    const conn = this.#conn;
    await conn.write(`storing trigger instance ${t.id}`, () => {
      // Checked in the write: an execution purged since it was read leaves the payload stored whole.
      const byRef =
        e !== undefined &&
        payloadIsExecutions(t, e) &&
        conn.prepareValue<string>('SELECT status FROM executions WHERE id = ?').get(e.id) === e.status;
      conn
        .prepare(
          `INSERT INTO trigger_instances (id, trigger, status, occurrence_time, updated_at, doc)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(t.id, t.trigger, t.status, t.occurrence_time, t.updated_at, instanceDoc(t, byRef));
      if (byRef) this.#remember(e.id, actionTriggerFields(e));
    });
    return t;
  }

  #remember(executionId: string, f: ActionTriggerFields): void {
    if (!smallFields(f)) return;
    this.#recent.set(executionId, f);
    if (this.#recent.size > RECENT) this.#recent.delete(this.#recent.keys().next().value as string);
  }

  async get(id: string): Promise<TriggerInstance | undefined> {
    const row = this.#row(id);
    return row === undefined ? undefined : (await this.#complete([row]))[0];
  }

  #row(id: string): InstanceRow | undefined {
    return guard(`reading trigger instance ${id}`, () =>
      this.#conn.prepare<InstanceRow>(`SELECT ${COLUMNS} FROM trigger_instances WHERE id = ?`).get(id),
    );
  }

  /** The instances of `rows`, payloads that refer to an execution filled from it (each read once). */
  async #complete(rows: readonly InstanceRow[]): Promise<TriggerInstance[]> {
    const decoded = rows.map(decodeInstance);
    const fields = new Map<string, ActionTriggerFields | undefined>();
    for (const { ref } of decoded) {
      if (ref === undefined || fields.has(ref)) continue;
      const known = this.#recent.get(ref);
      const e = known === undefined ? await this.#executions.get(ref) : undefined;
      fields.set(ref, known ?? (e === undefined ? undefined : actionTriggerFields(e)));
    }
    return Promise.all(decoded.map((d) => this.#filled(d, fields.get(d.ref ?? ''))));
  }

  async #filled(d: DecodedInstance, f: ActionTriggerFields | undefined): Promise<TriggerInstance> {
    if (d.ref === undefined) return d.instance;
    if (f !== undefined) return withExecution(d.instance, f);
    // Purged between the two reads (another process): the purge wrote the payload back first.
    const again = this.#row(d.instance.id);
    const now = again === undefined ? undefined : decodeInstance(again);
    return now !== undefined && now.ref === undefined ? now.instance : d.instance;
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
    return { items: await this.#complete(docs), total };
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
    const row = await conn.write(`updating trigger instance ${id}`, () =>
      conn
        .prepare<InstanceRow>(
          `UPDATE trigger_instances SET status = ?, updated_at = ?
           WHERE id = ? AND status IN (${placeholders(expect.length)}) RETURNING ${COLUMNS}`,
        )
        .get(status, new Date().toISOString(), id, ...expect),
    );
    return row === undefined ? undefined : (await this.#complete([row]))[0];
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

/**
 * For the executions purge, inside its write and before it deletes `executionIds`: their actiontrigger
 * instances that refer to them get the execution's payload fields written back, so that they read
 * the same once the executions are gone. `columns` and `decode` read an executions row as its repo does.
 */
export function writeBackExecutionFields<R>(
  conn: SqliteConnection,
  executionIds: readonly string[],
  columns: string,
  decode: (row: R) => Execution,
): void {
  const instanceIds = JSON.stringify(executionIds.map((id) => actionTriggerId(id)));
  const referring = conn
    .prepare<InstanceRow>(`SELECT ${COLUMNS} FROM trigger_instances WHERE id IN (SELECT value FROM json_each(?))`)
    .all(instanceIds)
    .map(decodeInstance)
    .filter((d) => d.ref !== undefined);
  if (referring.length === 0) return;
  const executions = new Map(
    conn
      .prepare<R>(`SELECT ${columns} FROM executions WHERE id IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(referring.map((d) => d.ref)))
      .map((row) => {
        const e = decode(row);
        return [e.id, e] as const;
      }),
  );
  const update = conn.prepare('UPDATE trigger_instances SET doc = ? WHERE id = ?');
  for (const d of referring) {
    const e = executions.get(d.ref as string);
    if (e !== undefined) update.run(instanceDoc(withExecution(d.instance, actionTriggerFields(e))), d.instance.id);
  }
}
