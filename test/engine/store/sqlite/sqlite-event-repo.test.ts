import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../engine/logger.js';
import type { JsonObject } from '../../../../engine/model/json.js';
import type { StreamEvent } from '../../../../engine/store/event-repo.js';
import { MIGRATIONS, migrate } from '../../../../engine/store/sqlite/sqlite-migrations.js';
import { createSqliteStore } from '../../../../engine/store/sqlite/sqlite-store.js';
import type { Store } from '../../../../engine/store/store.js';
import { makeExecution } from '../../../support/store-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'squall-events-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const tempPath = () => join(dir, `events-${++n}.db`);

async function openStore(path: string): Promise<Store> {
  const store = await createSqliteStore({ kind: 'sqlite', path }, { logger: silentLogger });
  await store.init();
  return store;
}

interface SegmentInfo {
  first_id: number;
  last_id: number;
  codec: number;
}

/** The segment rows as committed, read through a connection of its own. */
function segments(path: string): SegmentInfo[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT first_id, last_id, codec FROM event_segments ORDER BY first_id').all() as SegmentInfo[];
  } finally {
    db.close();
  }
}

async function until(ok: () => boolean, ms = 5000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (ok()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return ok();
}

const action = { id: 'a1', ref: 'core.noop', name: 'noop', pack: 'core', description: 'Does nothing.' };
const runner = { name: 'noop', description: 'Nothing.', runner_parameters: {} };

/** An execution event as the stream publisher appends it (a fresh object, like a presented execution). */
function execEvent(i: number, status = 'requested'): { event: string; data: JsonObject } {
  return {
    event: i % 4 === 0 ? 'st2.execution__create' : 'st2.execution__update',
    data: {
      id: `e${Math.floor(i / 4)}`,
      action: { ...action },
      runner: { ...runner },
      status,
      log: [{ status, timestamp: `2030-01-01T00:00:0${i % 10}.000Z` }],
      result: i % 3 === 0 ? {} : { stdout: `out ${i}`, n: [i, null, true] },
    },
  };
}

/** Appends `count` events in one event-loop turn, so that they share a commit. */
function appendTogether(store: Store, from: number, count: number): Promise<StreamEvent[]> {
  return Promise.all(Array.from({ length: count }, (_, k) => store.events.append(execEvent(from + k))));
}

describe('SQLite stream events (segments)', () => {
  it('stores each commit as one segment, raw when small and deflated when large, and resumes anywhere in one', async () => {
    const path = tempPath();
    const store = await openStore(path);
    try {
      const small = await appendTogether(store, 0, 5);
      const large = await appendTogether(store, 5, 40);
      const other = await store.events.append({ event: 'st2.announcement__chatops', data: { payload: { x: 1 } } });
      const all = [...small, ...large, other];
      expect(all.map((e) => e.id)).toEqual(Array.from({ length: 46 }, (_, i) => i + 1));
      expect(segments(path)).toEqual([
        { first_id: 1, last_id: 5, codec: 0 },
        { first_id: 6, last_id: 45, codec: 1 },
        { first_id: 46, last_id: 46, codec: 0 },
      ]);
      // The data comes back as appended (action and runner restored), from any id, with any page size.
      expect(await store.events.since(0)).toEqual(all);
      for (const after of [0, 1, 3, 5, 6, 20, 44, 45, 46, 99]) {
        expect(await store.events.since(after)).toEqual(all.filter((e) => e.id > after));
        expect(await store.events.since(after, 7)).toEqual(all.filter((e) => e.id > after).slice(0, 7));
      }
      expect(await store.events.since(10, 0)).toEqual([]);
      expect(await store.events.lastId()).toBe(46);
    } finally {
      await store.close();
    }
    // And after a reopen, where nothing is remembered in memory.
    const again = await openStore(path);
    try {
      expect((await again.events.since(4, 3)).map((e) => [e.id, e.data.id])).toEqual([
        [5, 'e1'],
        [6, 'e1'],
        [7, 'e1'],
      ]);
      expect((await again.events.append({ event: 'x', data: {} })).id).toBe(47);
    } finally {
      await again.close();
    }
  });

  it('merges runs of small raw segments into deflated ones later, reading back the same events', async () => {
    const path = tempPath();
    const store = await openStore(path);
    try {
      const appended: StreamEvent[] = [];
      for (let i = 0; i < 70; i++) appended.push(await store.events.append(execEvent(i)));
      expect(await until(() => segments(path).some((s) => s.codec === 1))).toBe(true);
      const merged = segments(path);
      // The 64 events of the first raw segments make one deflated segment; the ones after stay raw.
      expect(merged[0]).toEqual({ first_id: 1, last_id: 64, codec: 1 });
      expect(merged.slice(1).every((s) => s.codec === 0 && s.first_id === s.last_id)).toBe(true);
      expect(await store.events.since(0)).toEqual(appended);
      expect(await store.events.since(63, 3)).toEqual(appended.slice(63, 66));
    } finally {
      await store.close();
    }
  });

  it('purges whole segments older than the time given, oldest first, keeping the last id', async () => {
    const path = tempPath();
    const store = await openStore(path);
    try {
      const old = await appendTogether(store, 0, 3);
      await store.events.append(execEvent(3));
      await new Promise((r) => setTimeout(r, 5));
      const young = await appendTogether(store, 4, 2);
      const before = young[0]!.timestamp;
      expect(await store.events.purge({ before, dryRun: true })).toBe(4);
      expect(await store.events.since(0)).toHaveLength(6);
      // A limit is met with whole segments: at least that many events, unless fewer are old.
      expect(await store.events.purge({ before, limit: 2 })).toBe(3);
      expect((await store.events.since(0)).map((e) => e.id)).toEqual([4, 5, 6]);
      expect(await store.events.since(old[1]!.id)).toEqual([expect.objectContaining({ id: 4 }), ...young]);
      expect(await store.events.purge({ before })).toBe(1);
      expect(await store.events.since(0)).toEqual(young);
      expect(await store.events.purge({ before: new Date(Date.now() + 60_000).toISOString() })).toBe(2);
      expect(await store.events.since(0)).toEqual([]);
      expect(await store.events.lastId()).toBe(6);
      await expect(store.events.purge({ before: 'yesterday' })).rejects.toMatchObject({ code: 'SQ_VALIDATION' });
    } finally {
      await store.close();
    }
    // Ids carry on after the last one handed out, never reused, across a reopen.
    const again = await openStore(path);
    try {
      expect(await again.events.lastId()).toBe(6);
      expect((await again.events.append({ event: 'x', data: {} })).id).toBe(7);
    } finally {
      await again.close();
    }
  });

  it('keeps the events of a batch when another write in it fails, and loses none of them when the batch fails', async () => {
    const path = tempPath();
    const store = await openStore(path);
    try {
      await store.executions.create(makeExecution({ id: 'dup' }));
      // One commit: the duplicate create fails alone, the events around it are stored.
      const [a, dup, b] = await Promise.allSettled([
        store.events.append(execEvent(0)),
        store.executions.create(makeExecution({ id: 'dup' })),
        store.events.append(execEvent(1)),
      ]);
      expect(dup).toMatchObject({ status: 'rejected', reason: { code: 'SQ_CONFLICT' } });
      expect([a.status, b.status]).toEqual(['fulfilled', 'fulfilled']);
      expect((await store.events.since(0)).map((e) => e.id)).toEqual([1, 2]);

      // A segment that cannot be stored (its id taken behind the store's back) fails the whole batch.
      const other = new Database(path);
      other.prepare("INSERT INTO event_segments VALUES (3, 3, 0, 0, '[]')").run();
      const failed = await Promise.allSettled([
        store.events.append(execEvent(2)),
        store.executions.create(makeExecution({ id: 'lost-with-the-batch' })),
      ]);
      expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      expect(await store.executions.get('lost-with-the-batch')).toBeUndefined();
      expect(await store.events.lastId()).toBe(2);
      other.prepare('DELETE FROM event_segments WHERE first_id = 3').run();
      other.close();

      // The id no client was given is handed out again, to the next event, which reads back whole.
      const next = await store.events.append(execEvent(3));
      expect(next.id).toBe(3);
      expect(await store.events.since(2)).toEqual([next]);
    } finally {
      await store.close();
    }
  });

  it('numbers the events of two stores on one file apart, and reads them all in order', async () => {
    const path = tempPath();
    const first = await openStore(path);
    const second = await openStore(path);
    try {
      const got: StreamEvent[] = [];
      for (let round = 0; round < 3; round++) {
        got.push(...(await appendTogether(first, round * 10, 3)), ...(await appendTogether(second, round * 10 + 5, 2)));
      }
      expect(got.map((e) => e.id)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
      expect(await first.events.since(0)).toEqual(got);
      expect(await second.events.since(4)).toEqual(got.slice(4));
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('reads the events an older version stored (full rows, deltas on a base, shared parts), then carries on after them', async () => {
    const path = tempPath();
    const old = new Database(path);
    const hash = (doc: object) => createHash('sha256').update(JSON.stringify(doc)).digest('base64url').slice(0, 22);
    const t = (s: number) => `2020-01-01T00:00:0${s}.000Z`;
    const created = { id: 'e1', status: 'requested', log: [{ status: 'requested', timestamp: t(0) }], note: 'x' };
    try {
      migrate(
        old,
        MIGRATIONS.filter((m) => m.version <= 22),
      );
      const part = old.prepare('INSERT INTO doc_parts (hash, doc) VALUES (?, ?)');
      part.run(hash(action), JSON.stringify(action));
      part.run(hash(runner), JSON.stringify(runner));
      const row = old.prepare('INSERT INTO events (event, data, timestamp, parts, base) VALUES (?, ?, ?, ?, ?)');
      // As the previous version wrote them: a purged event (id 1), an execution's first event in
      // full with its parts, a plain event, and two later events as deltas on the first.
      row.run('x', '{}', t(0), null, null);
      old.prepare('DELETE FROM events WHERE id = 1').run();
      const refs = JSON.stringify({ action: hash(action), runner: hash(runner) });
      row.run('st2.execution__create', JSON.stringify(created), t(1), refs, null);
      row.run('st2.announcement__chatops', JSON.stringify({ payload: { text: 'hi' } }), t(2), null, null);
      const running = { set: { status: 'running' }, ext: { log: [{ status: 'running', timestamp: t(3) }] } };
      row.run('st2.execution__update', JSON.stringify(running), t(3), null, 2);
      row.run('st2.execution__update', JSON.stringify({ set: { status: 'succeeded' }, del: ['note'] }), t(4), null, 2);
    } finally {
      old.close();
    }
    const full = { ...created, action, runner };
    const expected: StreamEvent[] = [
      { id: 2, event: 'st2.execution__create', data: full, timestamp: t(1) },
      { id: 3, event: 'st2.announcement__chatops', data: { payload: { text: 'hi' } }, timestamp: t(2) },
      {
        id: 4,
        event: 'st2.execution__update',
        data: { ...full, status: 'running', log: [...created.log, { status: 'running', timestamp: t(3) }] },
        timestamp: t(3),
      },
      {
        id: 5,
        event: 'st2.execution__update',
        data: { id: 'e1', status: 'succeeded', log: created.log, action, runner },
        timestamp: t(4),
      },
    ];

    const store = await openStore(path);
    try {
      expect(await store.events.lastId()).toBe(5);
      expect(await store.events.since(0)).toEqual(expected);
      expect(await store.events.since(3, 1)).toEqual([expected[2]]);
      const later = await appendTogether(store, 0, 2);
      expect(later.map((e) => e.id)).toEqual([6, 7]);
      // A page runs from the old rows on into the segments.
      expect(await store.events.since(3, 3)).toEqual([...expected.slice(2), later[0]]);
      expect(await store.events.since(0)).toEqual([...expected, ...later]);
      // Purge takes the old rows first (a base stays while a younger event is built on it).
      expect(await store.events.purge({ before: t(4), dryRun: true })).toBe(2);
      expect(await store.events.purge({ before: t(4) })).toBe(2);
      expect((await store.events.since(0)).map((e) => e.id)).toEqual([2, 5, 6, 7]);
      expect(await store.events.since(0, 2)).toEqual([expected[0], expected[3]]);
      expect(await store.events.purge({ before: later[0]!.timestamp })).toBe(2);
      expect(await store.events.since(0)).toEqual(later);
    } finally {
      await store.close();
    }
    const db = new Database(path, { readonly: true });
    try {
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'events_timestamp'").all()).toEqual([]);
    } finally {
      db.close();
    }
  });
});
