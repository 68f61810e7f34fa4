import { deflateRaw, deflateRawSync, inflateRawSync } from 'node:zlib';
import { SquallError } from '../../errors.js';
import type { JsonObject } from '../../model/json.js';
import type { EventRepo, StreamEvent } from '../event-repo.js';
import type { PurgeRequest } from '../purge.js';
import type { SqliteConnection } from './sqlite-connection.js';
import type { PartRefs, SqliteDocParts } from './sqlite-doc-parts.js';
import { guard } from './sqlite-errors.js';
import { SqliteLegacyEvents } from './sqlite-legacy-events.js';

/** A stored event without its id (its place in the segment gives it): name, ISO time, data, part refs. */
type Entry = [event: string, timestamp: string, data: JsonObject, refs?: PartRefs];

interface SegmentRow {
  first_id: number;
  last_id: number;
  codec: number;
  data: string | Buffer;
}

/** A segment's `codec`: its JSON as text, or deflated (raw deflate, no header). */
const RAW = 0;
const DEFLATED = 1;
/**
 * A commit's segment is deflated at once from this many events on, where it shrinks about as much as
 * it ever will (to ~5% of its JSON at 32, ~3% at 64). Smaller ones are stored raw, so that the commit
 * an execution waits for pays no deflate (a zlib stream costs tens of µs to set up whatever its size);
 * compaction merges them afterwards.
 */
const DEFLATE_FROM = 32;
/** Raw events this connection commits between two compactions. */
const COMPACT_EVERY = 64;
/** Events merged into one segment at most. */
const COMPACT_MAX = 256;
/** Level 1: as small as level 6 on these repetitive segments (within 4%), at a third of the time. */
const DEFLATE = { level: 1 };
/** Segments read per query while replaying (a replay page is 500 events). */
const READ_CHUNK = 32;

/** Fields of an execution event stored once in doc_parts (see sqlite-doc-parts.ts). */
const SHARED = ['action', 'runner'] as const;

const isExecutionEvent = (event: string): boolean =>
  event === 'st2.execution__create' || event === 'st2.execution__update';

interface RawSegment {
  first_id: number;
  last_id: number;
  newest_ms: number;
  data: string;
}

/** Runs of consecutive raw segments worth merging: at least two events, at most COMPACT_MAX. */
function runs(rows: RawSegment[]): RawSegment[][] {
  const out: RawSegment[][] = [];
  let run: RawSegment[] = [];
  const end = () => {
    if (run.length > 0 && run.at(-1)!.last_id > run[0]!.first_id) out.push(run);
    run = [];
  };
  for (const r of rows) {
    const prev = run.at(-1);
    if (prev !== undefined && (r.first_id !== prev.last_id + 1 || r.last_id - run[0]!.first_id >= COMPACT_MAX)) end();
    run.push(r);
  }
  end();
  return out;
}

function deflateAsync(json: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    deflateRaw(json, DEFLATE, (e, out) => (e ? reject(e) : resolve(out)));
  });
}

/** The events appended in the transaction under way: ids from `first` on, each entry's JSON. */
interface OpenSegment {
  first: number;
  entries: string[];
  newestMs: number;
}

/**
 * The public event stream's memory, so that SSE clients can resume with Last-Event-ID.
 *
 * Events are a log: appended in id order, read in id order from a client's last id, dropped from
 * the oldest. So the events of one group commit are stored as one segment row (ids `first_id` to
 * `last_id`, the JSON array of their entries), deflated when it holds many; runs of small segments
 * are merged and deflated later (compaction). An execution's four events then take ~60-130 bytes
 * instead of ~1,500 as rows. Execution events keep their action and runner as shared parts
 * (doc_parts), so that raw segments stay small too. Ids come from a one-row counter, read in the
 * transaction that hands them out, so other connections on the file number after them, and purge
 * never makes an id come back. Each event is stored whole, not as a difference from an earlier one:
 * within a deflated segment that would save ~5 bytes an event, and it would tie segments together.
 */
export class SqliteEventRepo implements EventRepo {
  readonly #conn: SqliteConnection;
  readonly #parts: SqliteDocParts;
  readonly #legacy: SqliteLegacyEvents;
  #open: OpenSegment | undefined;
  /** The raw segment of the transaction under way, once stored, until it commits or not. */
  #stored: RawSegment | undefined;
  /** Raw segments this connection committed since the last compaction started, oldest first. */
  #tail: RawSegment[] = [];
  #tailEvents = 0;
  #compacting = false;

  constructor(conn: SqliteConnection, parts: SqliteDocParts) {
    this.#conn = conn;
    this.#parts = parts;
    this.#legacy = new SqliteLegacyEvents(conn, parts);
    conn.onCommit({
      beforeCommit: () => this.#writeSegment(),
      committed: () => this.#committed(),
      // Nothing of the segment was stored: the next transaction reads the counter afresh.
      rolledBack: () => {
        this.#open = undefined;
        this.#stored = undefined;
      },
    });
  }

  async append(e: { event: string; data: JsonObject }): Promise<StreamEvent> {
    const now = Date.now();
    const timestamp = new Date(now).toISOString();
    const id = await this.#conn.write(`appending event ${e.event}`, () => {
      // Runs in the group commit, in append order, so ids follow the order of the calls.
      const { rest, refs } = isExecutionEvent(e.event)
        ? this.#parts.split(e.data, SHARED)
        : { rest: e.data, refs: undefined };
      const entry: Entry = refs === undefined ? [e.event, timestamp, rest] : [e.event, timestamp, rest, refs];
      const json = JSON.stringify(entry);
      let open = this.#open;
      if (open === undefined) {
        const last = this.#conn.prepareValue<number>('SELECT last FROM event_ids').get() ?? 0;
        open = { first: last + 1, entries: [], newestMs: now };
        this.#open = open;
      }
      open.entries.push(json);
      open.newestMs = Math.max(open.newestMs, now);
      return open.first + open.entries.length - 1;
    });
    return { id, event: e.event, data: e.data, timestamp };
  }

  /** Stores the transaction's events as one segment and moves the counter past them. */
  #writeSegment(): void {
    const open = this.#open;
    if (open === undefined) return;
    this.#open = undefined;
    const last = open.first + open.entries.length - 1;
    const json = `[${open.entries.join(',')}]`;
    const deflate = open.entries.length >= DEFLATE_FROM;
    this.#insert(
      open.first,
      last,
      open.newestMs,
      deflate ? DEFLATED : RAW,
      deflate ? deflateRawSync(json, DEFLATE) : json,
    );
    this.#conn.prepare('UPDATE event_ids SET last = ?').run(last);
    if (!deflate) this.#stored = { first_id: open.first, last_id: last, newest_ms: open.newestMs, data: json };
  }

  #committed(): void {
    const raw = this.#stored;
    if (raw === undefined) return;
    this.#stored = undefined;
    this.#tail.push(raw);
    this.#tailEvents += raw.last_id - raw.first_id + 1;
    if (this.#tailEvents < COMPACT_EVERY || this.#compacting) return;
    const tail = this.#tail;
    this.#tail = [];
    this.#tailEvents = 0;
    this.#compacting = true;
    // A failure leaves raw segments, which read as well.
    this.#compact(tail)
      .catch(() => {})
      .finally(() => {
        this.#compacting = false;
      });
  }

  #insert(first: number, last: number, newestMs: number, codec: number, data: string | Buffer): void {
    this.#conn
      .prepare('INSERT INTO event_segments (first_id, last_id, newest_ms, codec, data) VALUES (?, ?, ?, ?, ?)')
      .run(first, last, newestMs, codec, data);
  }

  /**
   * Merges runs of consecutive raw segments into deflated ones: at a few executions a second each
   * commit holds one event, stored raw (~500 bytes), and 64 of them deflate together to ~25 bytes
   * each. Off the commits that executions wait for: deflated on libuv's thread pool from the JSON
   * this connection remembers, then swapped in a write of their own, which first checks that the run
   * is still there as committed (another connection on the file may have purged it meanwhile).
   */
  async #compact(tail: RawSegment[]): Promise<void> {
    for (const run of runs(tail)) {
      const first = run[0]!.first_id;
      const last = run.at(-1)!.last_id;
      const newestMs = Math.max(...run.map((r) => r.newest_ms));
      const data = await deflateAsync(`[${run.map((r) => r.data.slice(1, -1)).join(',')}]`);
      await this.#conn.write('compacting stream events', () => {
        const still = this.#conn
          .prepareValue<number>(
            `SELECT count(*) FROM event_segments WHERE first_id >= ? AND first_id <= ? AND codec = ${RAW}`,
          )
          .get(first, last);
        if (still !== run.length) return;
        this.#conn.prepare('DELETE FROM event_segments WHERE first_id >= ? AND first_id <= ?').run(first, last);
        this.#insert(first, last, newestMs, DEFLATED, data);
      });
    }
  }

  async since(afterId: number, limit?: number): Promise<StreamEvent[]> {
    // Ids of the old table all come before the segments'.
    const out = this.#legacy.since(afterId, limit);
    const max = limit ?? Number.POSITIVE_INFINITY;
    let after = Math.max(afterId, out.at(-1)?.id ?? 0);
    // The segment holding `after` (or the last one before it), then the ones after it.
    const read = this.#conn.prepare<SegmentRow>(
      `SELECT first_id, last_id, codec, data FROM event_segments
       WHERE last_id > ? AND first_id >= coalesce(
         (SELECT first_id FROM event_segments WHERE first_id <= ? ORDER BY first_id DESC LIMIT 1), 0)
       ORDER BY first_id LIMIT ?`,
    );
    while (out.length < max) {
      const rows = guard('reading events', () => read.all(after, after, READ_CHUNK));
      for (const r of rows) {
        const entries = this.#decode(r);
        for (let i = Math.max(0, after + 1 - r.first_id); i < entries.length && out.length < max; i++) {
          const [event, timestamp, data, refs] = entries[i]!;
          const full = refs === undefined ? data : this.#parts.join(data, JSON.stringify(refs));
          out.push({ id: r.first_id + i, event, data: full, timestamp });
        }
        after = r.last_id;
      }
      if (rows.length < READ_CHUNK) break;
    }
    return out;
  }

  #decode(r: SegmentRow): Entry[] {
    const json = r.codec === DEFLATED ? inflateRawSync(r.data).toString() : r.data.toString();
    const entries = JSON.parse(json) as Entry[];
    // A segment always holds each of its ids: anything else is a damaged file, so say which.
    if (entries.length !== r.last_id - r.first_id + 1) {
      throw new SquallError('SQ_STORE_UNAVAILABLE', `stored event segment ${r.first_id} is damaged`);
    }
    return entries;
  }

  async lastId(): Promise<number> {
    // The counter remembers the highest id ever handed out, even after purge emptied the segments,
    // so a client's Last-Event-ID never points past the end.
    const id = guard('reading the last event id', () =>
      this.#conn.prepareValue<number>('SELECT last FROM event_ids').get(),
    );
    return id ?? 0;
  }

  async purge(req: PurgeRequest): Promise<number> {
    const legacy = await this.#legacy.purge(req);
    const limit = req.limit === undefined ? undefined : req.limit - legacy;
    if (limit !== undefined && limit <= 0) return legacy;
    const before = Date.parse(req.before);
    // NaN would compare as NULL, and no segment would count as young: everything would go.
    if (Number.isNaN(before)) throw new SquallError('SQ_VALIDATION', `purge: before is not a time (${req.before})`);
    const what = 'purging stream events';
    if (req.dryRun) return legacy + guard(what, () => this.#purge(before, limit, true));
    return legacy + (await this.#conn.write(what, () => this.#purge(before, limit, false)));
  }

  /**
   * Whole segments from the oldest up to the first one with an event as young as `before`: ids are
   * handed out in time order, so that one is where the old ones end, and nothing after it is read.
   * With a limit, segments until at least `limit` events (a segment is not split). Returns the events.
   */
  #purge(before: number, limit: number | undefined, dryRun: boolean): number {
    const young = this.#conn
      .prepareValue<number>('SELECT first_id FROM event_segments WHERE newest_ms >= ? ORDER BY first_id LIMIT 1')
      .get(before);
    const end = young ?? Number.MAX_SAFE_INTEGER;
    let upTo = end - 1;
    let n = 0;
    if (limit === undefined) {
      n =
        this.#conn
          .prepareValue<number>('SELECT sum(last_id - first_id + 1) FROM event_segments WHERE first_id < ?')
          .get(end) ?? 0;
    } else {
      const old = this.#conn
        .prepare<{ first_id: number; last_id: number }>(
          'SELECT first_id, last_id FROM event_segments WHERE first_id < ? ORDER BY first_id LIMIT ?',
        )
        .all(end, limit);
      for (const s of old) {
        n += s.last_id - s.first_id + 1;
        upTo = s.first_id;
        if (n >= limit) break;
      }
    }
    if (!dryRun && n > 0) this.#conn.prepare('DELETE FROM event_segments WHERE first_id <= ?').run(upTo);
    return n;
  }
}
