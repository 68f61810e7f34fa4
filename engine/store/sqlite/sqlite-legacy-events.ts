import type { JsonObject, JsonValue } from '../../model/json.js';
import type { StreamEvent } from '../event-repo.js';
import type { PurgeRequest } from '../purge.js';
import { placeholders, purgeRows, type SqliteConnection } from './sqlite-connection.js';
import type { SqliteDocParts } from './sqlite-doc-parts.js';
import { guard } from './sqlite-errors.js';

interface EventRow {
  id: number;
  event: string;
  data: string;
  timestamp: string;
  parts: string | null;
  base: number | null;
}

/**
 * How an event differs from its base event: fields set (or replaced), fields removed, and arrays
 * that only grew (the execution log) as their new tail.
 */
interface Delta {
  set?: JsonObject;
  del?: string[];
  ext?: Record<string, JsonValue[]>;
}

const COLUMNS = 'id, event, data, timestamp, parts, base';

function applyDelta(base: JsonObject, d: Delta): JsonObject {
  const out: JsonObject = { ...base };
  for (const [k, tail] of Object.entries(d.ext ?? {}))
    out[k] = [...((base[k] as JsonValue[] | undefined) ?? []), ...tail];
  Object.assign(out, d.set ?? {});
  for (const k of d.del ?? []) delete out[k];
  return out;
}

/**
 * The `events` table of the versions before segments (migration 23), read until the garbage
 * collector has emptied it; nothing writes to it any more. A row is an event in full (its action and
 * runner as shared doc_parts) or, with `base`, its difference from its execution's first event,
 * which stays as long as an event built on it does.
 */
export class SqliteLegacyEvents {
  readonly #conn: SqliteConnection;
  readonly #parts: SqliteDocParts;
  /** Once seen empty it stays empty: no version writes to it any more. */
  #empty = false;

  constructor(conn: SqliteConnection, parts: SqliteDocParts) {
    this.#conn = conn;
    this.#parts = parts;
  }

  #isEmpty(): boolean {
    if (!this.#empty) {
      this.#empty = guard(
        'reading events',
        () => this.#conn.prepareValue<number>('SELECT EXISTS (SELECT 1 FROM events)').get() === 0,
      );
    }
    return this.#empty;
  }

  since(afterId: number, limit: number | undefined): StreamEvent[] {
    if (this.#isEmpty()) return [];
    const rows = guard('reading events', () =>
      this.#conn
        .prepare<EventRow>(`SELECT ${COLUMNS} FROM events WHERE id > ? ORDER BY id LIMIT ?`)
        .all(afterId, limit ?? -1),
    );
    const full = new Map<number, JsonObject>();
    const fullOf = (r: EventRow): JsonObject => this.#parts.join(JSON.parse(r.data) as JsonObject, r.parts);
    for (const r of rows) if (r.base === null) full.set(r.id, fullOf(r));
    const missing = [...new Set(rows.flatMap((r) => (r.base !== null && !full.has(r.base) ? [r.base] : [])))];
    if (missing.length > 0) {
      const bases = guard('reading events', () =>
        this.#conn
          .prepare<EventRow>(`SELECT ${COLUMNS} FROM events WHERE id IN (${placeholders(missing.length)})`)
          .all(...missing),
      );
      for (const b of bases) full.set(b.id, fullOf(b));
    }
    return rows.map((r) => {
      const data =
        r.base === null
          ? (full.get(r.id) as JsonObject)
          : applyDelta(full.get(r.base) ?? {}, JSON.parse(r.data) as Delta);
      return { id: r.id, event: r.event, data, timestamp: r.timestamp };
    });
  }

  purge(req: PurgeRequest): Promise<number> {
    if (this.#isEmpty()) return Promise.resolve(0);
    // A first event stays while a younger event is built on it.
    return purgeRows(
      this.#conn,
      'purging stream events',
      'events',
      'timestamp < ? AND id NOT IN (SELECT base FROM events WHERE base IS NOT NULL AND timestamp >= ?)',
      [req.before, req.before],
      req,
    );
  }
}
