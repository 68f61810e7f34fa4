import type { JsonObject } from '../../model/json.js';
import type { NewOutboxItem, OutboxItem, OutboxRepo } from '../outbox-repo.js';
import type { SqliteConnection } from './sqlite-connection.js';
import { guard } from './sqlite-errors.js';

interface OutboxRow {
  id: string;
  queue: string;
  payload: string;
  due_at: string;
  attempts: number;
  created_at: string;
  owner: string | null;
  claimed_until: string | null;
}

const OUTBOX_COLUMNS = 'id, queue, payload, due_at, attempts, created_at, owner, claimed_until';
const PREFIX = 'substr(queue, 1, ?) = ?';

function toItem(r: OutboxRow): OutboxItem {
  return {
    id: r.id,
    queue: r.queue,
    payload: JSON.parse(r.payload) as JsonObject,
    due_at: r.due_at,
    attempts: r.attempts,
    created_at: r.created_at,
    owner: r.owner,
    claimed_until: r.claimed_until,
  };
}

/** Per-channel chat outboxes. `seq` (insertion order) is what keeps each queue in order. */
export class SqliteOutboxRepo implements OutboxRepo {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async enqueue(item: NewOutboxItem): Promise<OutboxItem> {
    const conn = this.#conn;
    const tx = conn.db.transaction(() => {
      // An id seen before is a retry of the same enqueue: keep the first and return it.
      conn
        .prepare(
          `INSERT INTO outbox (id, queue, payload, due_at, attempts, created_at, owner, claimed_until)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO NOTHING`,
        )
        .run(
          item.id,
          item.queue,
          JSON.stringify(item.payload),
          item.due_at,
          item.attempts ?? 0,
          new Date().toISOString(),
          item.owner ?? null,
          item.claimed_until ?? null,
        );
      return conn.prepare<OutboxRow>(`SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE id = ?`).get(item.id);
    });
    const row = await conn.write(`enqueueing outbox item ${item.id}`, () => tx());
    return toItem(row as OutboxRow);
  }

  async heads(queuePrefix: string, now: string): Promise<OutboxItem[]> {
    // The head is chosen before the due check: a later item that is due must still wait behind
    // an earlier one that is not (a rate-limited message must not be overtaken).
    const rows = guard('reading outbox heads', () =>
      this.#conn
        .prepare<OutboxRow>(
          `SELECT ${OUTBOX_COLUMNS} FROM outbox
           WHERE seq IN (SELECT MIN(seq) FROM outbox WHERE ${PREFIX} GROUP BY queue)
             AND due_at <= ?
           ORDER BY seq`,
        )
        .all(queuePrefix.length, queuePrefix, now),
    );
    return rows.map(toItem);
  }

  async pending(queuePrefix: string): Promise<OutboxItem[]> {
    const rows = guard('reading the outbox', () =>
      this.#conn
        .prepare<OutboxRow>(`SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE ${PREFIX} ORDER BY seq`)
        .all(queuePrefix.length, queuePrefix),
    );
    return rows.map(toItem);
  }

  async reschedule(id: string, dueAt: string, attempts: number): Promise<void> {
    await this.#conn.write(`rescheduling outbox item ${id}`, () =>
      this.#conn.prepare('UPDATE outbox SET due_at = ?, attempts = ? WHERE id = ?').run(dueAt, attempts, id),
    );
  }

  async remove(id: string): Promise<void> {
    await this.#conn.write(`removing outbox item ${id}`, () =>
      this.#conn.prepare('DELETE FROM outbox WHERE id = ?').run(id),
    );
  }

  async claim(id: string, owner: string, until: string, now: string): Promise<boolean> {
    const r = await this.#conn.write(`claiming outbox item ${id}`, () =>
      this.#conn
        .prepare(
          `UPDATE outbox SET owner = ?, claimed_until = ?
           WHERE id = ? AND (owner IS NULL OR owner = ? OR claimed_until IS NULL OR claimed_until <= ?)`,
        )
        .run(owner, until, id, owner, now),
    );
    return r.changes === 1;
  }

  async renew(queuePrefix: string, owner: string, until: string): Promise<number> {
    const r = await this.#conn.write('renewing outbox claims', () =>
      this.#conn
        .prepare(`UPDATE outbox SET claimed_until = ? WHERE owner = ? AND ${PREFIX}`)
        .run(until, owner, queuePrefix.length, queuePrefix),
    );
    return r.changes;
  }

  async release(queuePrefix: string, owner: string): Promise<void> {
    await this.#conn.write('releasing outbox claims', () =>
      this.#conn
        .prepare(`UPDATE outbox SET owner = NULL, claimed_until = NULL WHERE owner = ? AND ${PREFIX}`)
        .run(owner, queuePrefix.length, queuePrefix),
    );
  }
}
