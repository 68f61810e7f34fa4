import type { JsonObject, JsonValue } from '../../model/json.js';
import type { EventRepo, StreamEvent } from '../event-repo.js';
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

/** Fields of an execution event stored once in doc_parts (see sqlite-doc-parts.ts). */
const SHARED = ['action', 'runner'] as const;
/** Executions whose first event is remembered as the base of their later ones. */
const CHAINS = 4096;
const COLUMNS = 'id, event, data, timestamp, parts, base';

const isExecutionEvent = (event: string): boolean =>
  event === 'st2.execution__create' || event === 'st2.execution__update';

/** An execution's first event: its id, its data, and (filled as needed) each field's JSON. */
interface Chain {
  id: number;
  data: JsonObject;
  json: Map<string, string>;
}

function delta(chain: Chain, next: JsonObject): Delta {
  const base = chain.data;
  const d: Delta = {};
  for (const [k, v] of Object.entries(next)) {
    const was = base[k];
    if (was === undefined) {
      d.set ??= {};
      d.set[k] = v;
      continue;
    }
    const json = JSON.stringify(v);
    let wasJson = chain.json.get(k);
    if (wasJson === undefined) {
      wasJson = JSON.stringify(was);
      chain.json.set(k, wasJson);
    }
    if (json === wasJson) continue;
    if (Array.isArray(v) && Array.isArray(was) && v.length > was.length && json.startsWith(wasJson.slice(0, -1))) {
      // The same elements first (their JSON is a prefix): only the tail is new.
      const head = JSON.stringify(v.slice(0, was.length));
      if (head === wasJson) {
        d.ext ??= {};
        d.ext[k] = v.slice(was.length);
        continue;
      }
    }
    d.set ??= {};
    d.set[k] = v;
  }
  const gone = Object.keys(base).filter((k) => !(k in next));
  if (gone.length > 0) d.del = gone;
  return d;
}

function applyDelta(base: JsonObject, d: Delta): JsonObject {
  const out: JsonObject = { ...base };
  for (const [k, tail] of Object.entries(d.ext ?? {}))
    out[k] = [...((base[k] as JsonValue[] | undefined) ?? []), ...tail];
  Object.assign(out, d.set ?? {});
  for (const k of d.del ?? []) delete out[k];
  return out;
}

/**
 * The public event stream's memory, so that SSE clients can resume with Last-Event-ID.
 *
 * An execution's events repeat almost all of the execution, so they are stored small: the first
 * event of an execution in full, with its action and runner descriptions as shared parts, and each
 * later one as its difference from that first event (`base`). Reads rebuild the full data. The
 * first event is kept as long as an event built on it is (see purge).
 */
export class SqliteEventRepo implements EventRepo {
  readonly #conn: SqliteConnection;
  readonly #parts: SqliteDocParts;
  /** Execution id → its first stored event (id and full data), for the later events' deltas. */
  readonly #chains = new Map<string, Chain>();

  constructor(conn: SqliteConnection, parts: SqliteDocParts) {
    this.#conn = conn;
    this.#parts = parts;
  }

  async append(e: { event: string; data: JsonObject }): Promise<StreamEvent> {
    const timestamp = new Date().toISOString();
    const executionId = isExecutionEvent(e.event) && typeof e.data.id === 'string' ? e.data.id : undefined;
    const insert = this.#conn.prepareValue<number>(
      'INSERT INTO events (event, data, timestamp, parts, base) VALUES (?, ?, ?, ?, ?) RETURNING id',
    );
    const write = this.#conn.write(`appending event ${e.event}`, () => {
      // Runs in the group commit, in append order, so a chain's first event is written before the rest.
      const chain = executionId === undefined ? undefined : this.#chains.get(executionId);
      if (chain !== undefined) {
        return insert.get(e.event, JSON.stringify(delta(chain, e.data)), timestamp, null, chain.id) as number;
      }
      const { rest, refs } =
        executionId === undefined ? { rest: e.data, refs: undefined } : this.#parts.split(e.data, SHARED);
      const id = insert.get(e.event, JSON.stringify(rest), timestamp, refs ? JSON.stringify(refs) : null, null);
      if (executionId !== undefined) this.#remember(executionId, id as number, e.data);
      return id as number;
    });
    // A failed commit took the first event with it: the next event of the execution starts afresh.
    if (executionId !== undefined) write.catch(() => this.#chains.delete(executionId));
    const id = await write;
    return { id, event: e.event, data: e.data, timestamp };
  }

  #remember(executionId: string, id: number, data: JsonObject): void {
    if (this.#chains.size >= CHAINS) this.#chains.delete(this.#chains.keys().next().value as string);
    this.#chains.set(executionId, { id, data, json: new Map() });
  }

  async since(afterId: number, limit?: number): Promise<StreamEvent[]> {
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

  async lastId(): Promise<number> {
    // sqlite_sequence remembers the highest id ever handed out, even after prune emptied the table,
    // so a client's Last-Event-ID never points past the end.
    const id = guard('reading the last event id', () =>
      this.#conn.prepareValue<number>("SELECT seq FROM sqlite_sequence WHERE name = 'events'").get(),
    );
    return id ?? 0;
  }

  async purge(req: PurgeRequest): Promise<number> {
    // A first event stays while a younger event is built on it.
    const n = await purgeRows(
      this.#conn,
      'purging stream events',
      'events',
      'timestamp < ? AND id NOT IN (SELECT base FROM events WHERE base IS NOT NULL AND timestamp >= ?)',
      [req.before, req.before],
      req,
    );
    // Later events of a running execution start a new chain rather than build on a deleted event.
    if (!req.dryRun && n > 0) this.#chains.clear();
    return n;
  }
}
