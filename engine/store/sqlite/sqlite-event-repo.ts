import type { JsonObject } from '../../model/json.js';
import type { EventRepo, StreamEvent } from '../event-repo.js';
import type { PurgeRequest } from '../purge.js';
import { purgeRows, type SqliteConnection } from './sqlite-connection.js';
import { guard } from './sqlite-errors.js';

interface EventRow {
  id: number;
  event: string;
  data: string;
  timestamp: string;
}

function toEvent(r: EventRow): StreamEvent {
  return { id: r.id, event: r.event, data: JSON.parse(r.data) as JsonObject, timestamp: r.timestamp };
}

/** The public event stream's memory, so that SSE clients can resume with Last-Event-ID. */
export class SqliteEventRepo implements EventRepo {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async append(e: { event: string; data: JsonObject }): Promise<StreamEvent> {
    const timestamp = new Date().toISOString();
    const id = (await this.#conn.write(`appending event ${e.event}`, () =>
      this.#conn
        .prepareValue<number>('INSERT INTO events (event, data, timestamp) VALUES (?, ?, ?) RETURNING id')
        .get(e.event, JSON.stringify(e.data), timestamp),
    )) as number;
    return { id, event: e.event, data: e.data, timestamp };
  }

  async since(afterId: number, limit?: number): Promise<StreamEvent[]> {
    const rows = guard('reading events', () =>
      this.#conn
        .prepare<EventRow>('SELECT id, event, data, timestamp FROM events WHERE id > ? ORDER BY id LIMIT ?')
        .all(afterId, limit ?? -1),
    );
    return rows.map(toEvent);
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
    return purgeRows(this.#conn, 'purging stream events', 'events', 'timestamp < ?', [req.before], req);
  }
}
