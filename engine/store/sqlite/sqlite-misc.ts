import type { JsonObject, JsonValue } from '../../model/json.js';
import type { DedupRepo, KvRepo, OutboxItem, OutboxRepo } from '../store.js';
import type { SqliteConnection } from './sqlite-connection.js';
import { guard } from './sqlite-errors.js';

interface OutboxRow {
  id: string;
  queue: string;
  payload: string;
  due_at: string;
  attempts: number;
  created_at: string;
}

const OUTBOX_COLUMNS = 'id, queue, payload, due_at, attempts, created_at';

function toItem(r: OutboxRow): OutboxItem {
  return {
    id: r.id,
    queue: r.queue,
    payload: JSON.parse(r.payload) as JsonObject,
    due_at: r.due_at,
    attempts: r.attempts,
    created_at: r.created_at,
  };
}

/** Per-channel chat outboxes. `seq` (insertion order) is what keeps each queue in order. */
export class SqliteOutboxRepo implements OutboxRepo {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async enqueue(item: Omit<OutboxItem, 'attempts' | 'created_at'> & { attempts?: number }): Promise<OutboxItem> {
    const conn = this.#conn;
    const tx = conn.db.transaction(() => {
      // An id seen before is a retry of the same enqueue: keep the first and return it.
      conn
        .prepare(
          `INSERT INTO outbox (id, queue, payload, due_at, attempts, created_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO NOTHING`,
        )
        .run(
          item.id,
          item.queue,
          JSON.stringify(item.payload),
          item.due_at,
          item.attempts ?? 0,
          new Date().toISOString(),
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
           WHERE seq IN (SELECT MIN(seq) FROM outbox WHERE substr(queue, 1, ?) = ? GROUP BY queue)
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
        .prepare<OutboxRow>(`SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE substr(queue, 1, ?) = ? ORDER BY seq`)
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
}

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

/** Small records with optional expiry; an expired value reads as absent and is overwritten by `set`. */
export class SqliteKvRepo implements KvRepo {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async get(key: string): Promise<JsonValue | undefined> {
    const value = guard(`reading key ${key}`, () =>
      this.#conn
        .prepareValue<string>('SELECT value FROM kv WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)')
        .get(key, new Date().toISOString()),
    );
    return value === undefined ? undefined : (JSON.parse(value) as JsonValue);
  }

  async set(key: string, value: JsonValue, opts: { expiresAt?: string } = {}): Promise<void> {
    await this.#conn.write(`writing key ${key}`, () =>
      this.#conn
        .prepare(
          `INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
        )
        .run(key, JSON.stringify(value), opts.expiresAt ?? null),
    );
  }

  async delete(key: string): Promise<boolean> {
    // Expired rows are removed too, but only a live value counts as "deleted".
    const expiresAt = await this.#conn.write(`deleting key ${key}`, () =>
      this.#conn.prepare<{ expires_at: string | null }>('DELETE FROM kv WHERE key = ? RETURNING expires_at').get(key),
    );
    if (expiresAt === undefined) return false;
    return expiresAt.expires_at === null || expiresAt.expires_at > new Date().toISOString();
  }
}
