import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { newId } from '../../../../engine/ids.js';
import { silentLogger } from '../../../../engine/logger.js';
import {
  EXECUTION_STATUSES,
  type Execution,
  type ExecutionFilter,
  type ExecutionPatch,
  type ExecutionStatus,
  type NewExecution,
  TERMINAL_STATUSES,
} from '../../../../engine/model/execution.js';
import type { JsonObject } from '../../../../engine/model/json.js';
import { SqliteConnection } from '../../../../engine/store/sqlite/sqlite-connection.js';
import { SqliteDocParts } from '../../../../engine/store/sqlite/sqlite-doc-parts.js';
import {
  columnsOf,
  decodeExecution,
  encodeExecution,
  isoTime,
} from '../../../../engine/store/sqlite/sqlite-execution-codec.js';
import { SqliteExecutionRepo } from '../../../../engine/store/sqlite/sqlite-execution-repo.js';
import { MIGRATIONS, migrate } from '../../../../engine/store/sqlite/sqlite-migrations.js';
import { SqliteOutputRepo } from '../../../../engine/store/sqlite/sqlite-output-repo.js';
import { createSqliteStore } from '../../../../engine/store/sqlite/sqlite-store.js';
import type { Store } from '../../../../engine/store/store.js';
import { makeAction } from '../../../support/store-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'squall-exec-rows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const tempPath = () => join(dir, `store-${++n}.db`);
const openStore = async (path: string): Promise<Store> => {
  const s = await createSqliteStore({ kind: 'sqlite', path }, { logger: silentLogger });
  await s.init();
  return s;
};
/** What a store may return: JSON's view of a value (no undefined fields). */
const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** A small seeded generator, so that a failing case can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const chance = (p: number) => next() < p;
  const hex = (len: number) => Array.from({ length: len }, () => '0123456789abcdef'[int(16)]).join('');
  const base = Date.parse('2030-01-01T00:00:00.000Z');
  /** Mostly canonical ISO times, sometimes spellings toISOString would not give back, or no time at all. */
  const time = (around = base + int(1e9)) => {
    const at = new Date(around + int(5000) - (chance(0.1) ? 10_000 : 0));
    // Past the last time a Date can hold (around +275760-09-13): that spelling itself.
    if (chance(0.85)) return Number.isNaN(at.getTime()) ? '+275760-09-13T00:00:00.000Z' : at.toISOString();
    return pick([
      '2030-01-01T00:00:00Z',
      '2030-01-01T00:00:00.000+00:00',
      '2030-01-01T00:00:00.1234Z',
      'soon',
      '',
      '+275760-09-13T00:00:00.000Z',
      '-000001-01-01T00:00:00.000Z',
    ]);
  };
  const json = (depth = 0): unknown => {
    const k = int(depth > 2 ? 4 : 6);
    if (k === 0) return int(1000) - 500;
    if (k === 1) return pick(['', 'x', 'é\u0000"\\', '[1,2]', '{"a":1}']);
    if (k === 2) return pick([true, false, null, 1.5]);
    if (k === 3) return hex(int(8));
    if (k === 4) return Array.from({ length: int(3) }, () => json(depth + 1));
    return Object.fromEntries(
      Array.from({ length: int(4) }, (_, i) => [pick(['a', 'user', 'log', `k${i}`]), json(depth + 1)]),
    );
  };
  return { int, pick, chance, hex, time, json };
}
type Random = ReturnType<typeof random>;

const ACTIONS = [
  makeAction(),
  makeAction({ name: 'noop', runner_type: 'noop' }),
  makeAction({ pack: 'p', name: 'wf' }),
];

function logEntry(r: Random, startMs: number): unknown {
  const entry = { status: r.pick(EXECUTION_STATUSES), timestamp: r.time(startMs) };
  if (r.chance(0.9)) return entry;
  return r.pick([
    { ...entry, note: 'extra key' },
    { timestamp: entry.timestamp, status: entry.status },
    { status: 'x' },
  ]);
}

function randomExecution(r: Random, ids: string[]): NewExecution {
  const start = r.time();
  const startMs = Number.isFinite(Date.parse(start)) ? Date.parse(start) : Date.parse('2030-01-01T00:00:00.000Z');
  const log = Array.from({ length: r.int(5) }, () => logEntry(r, startMs));
  const context: Record<string, unknown> = {};
  if (r.chance(0.8)) context.user = r.pick(['alice', 'bench', 'ü ser', '']);
  // A request's own trace is the id minted just before the execution's (create-execution-service.ts).
  let id = r.hex(24);
  if (r.chance(0.4)) {
    context.trace_context = { trace_tag: newId(), ...(r.chance(0.2) ? { x: 1 } : {}) };
    id = newId();
  } else if (r.chance(0.1)) {
    // The counter wrapped between the two.
    const head = r.hex(18);
    [context.trace_context, id] = [{ trace_tag: `${head}fffffe` }, `${head}000000`];
  } else if (r.chance(0.3)) context.trace_context = { trace_tag: r.hex(24), ...(r.chance(0.3) ? { x: 1 } : {}) };
  if (r.chance(0.2)) context.extra = r.json();
  const action = r.pick(ACTIONS);
  const e: Record<string, unknown> = {
    id,
    action,
    runner_type: r.chance(0.9) ? action.runner_type : 'python-script',
    parameters: r.chance(0.5) ? {} : { cmd: `echo ${r.int(100)}`, n: r.json() },
    status: r.pick(EXECUTION_STATUSES),
    start_timestamp: start,
    context,
    log,
  };
  const last = log.at(-1) as { timestamp?: unknown } | undefined;
  if (r.chance(0.5)) e.end_timestamp = r.chance(0.7) && typeof last?.timestamp === 'string' ? last.timestamp : r.time();
  if (r.chance(0.5)) e.result = { failed: false, succeeded: true, return_code: 0, out: r.json() };
  if (r.chance(0.3) && ids.length > 0) e.parent = r.pick(ids);
  if (r.chance(0.3)) e.children = Array.from({ length: r.int(4) }, () => r.hex(24));
  if (r.chance(0.3)) e.attempts = r.int(3);
  if (r.chance(0.3)) e.heartbeat_at = r.time();
  if (r.chance(0.3)) e.worker = `host:${r.int(9999)}`;
  if (r.chance(0.3)) e.timeout_s = 600;
  if (r.chance(0.1)) e.delay = r.int(1000);
  return e as unknown as NewExecution;
}

function randomPatch(r: Random, e: Execution): ExecutionPatch {
  const patch: ExecutionPatch = {};
  if (r.chance(0.8)) patch.status = r.pick(EXECUTION_STATUSES);
  if (r.chance(0.8)) patch.appendLog = logEntry(r, Date.parse(e.start_timestamp) || 0) as ExecutionPatch['appendLog'];
  if (r.chance(0.3)) {
    const last = (patch.appendLog ?? e.log.at(-1)) as { timestamp?: unknown } | undefined;
    patch.end_timestamp = typeof last?.timestamp === 'string' && r.chance(0.7) ? last.timestamp : r.time();
  }
  if (r.chance(0.3)) patch.result = { value: r.json() } as JsonObject;
  if (r.chance(0.2)) patch.heartbeat_at = r.time();
  if (r.chance(0.2)) patch.attempts = r.int(3);
  if (r.chance(0.2)) patch.children = [...e.children, r.hex(24)];
  if (r.chance(0.1)) patch.context = r.chance(0.5) ? { ...e.context, user: 'bob' } : ({ other: 1 } as never);
  return patch;
}

describe('SQLite execution rows', () => {
  it('read back exactly what was written, over varied executions, updates and heartbeats', async () => {
    const store = await openStore(tempPath());
    try {
      const r = random(24);
      const expected = new Map<string, Execution>();
      for (let i = 0; i < 300; i++) {
        const created = await store.executions.create(randomExecution(r, [...expected.keys()]));
        expected.set(created.id, plain(created));
        expect(plain(await store.executions.get(created.id))).toStrictEqual(expected.get(created.id));
      }
      for (let i = 0; i < 600; i++) {
        const id = r.pick([...expected.keys()]);
        const before = expected.get(id)!;
        if (r.chance(0.15)) {
          const at = r.time();
          if (await store.executions.heartbeat(id, at)) expected.set(id, { ...before, heartbeat_at: at });
          else expect(before.status).not.toBe('running');
        } else {
          const next = await store.executions.update(id, { expect: { status: before.status } }, randomPatch(r, before));
          expect(next).toBeDefined();
          expected.set(id, plain(next!));
        }
        expect(plain(await store.executions.get(id))).toStrictEqual(expected.get(id));
      }
      const { items, total } = await store.executions.list({});
      expect(total).toBe(expected.size);
      for (const e of items) expect(plain(e)).toStrictEqual(expected.get(e.id));
    } finally {
      await store.close();
    }
  });

  it('decode what they encode, documents the lean form cannot describe included', () => {
    const r = random(7);
    for (let i = 0; i < 2000; i++) {
      // The action stays in the document, as when it was not moved to a part; `join` then adds nothing.
      const doc = plain(randomExecution(r, ['p1'])) as unknown as Record<string, unknown>;
      const e = doc as unknown as Execution;
      doc.children ??= [];
      doc.attempts ??= 0;
      doc.updated_at = r.time();
      if (r.chance(0.1)) delete doc[r.pick(['children', 'attempts', 'log'])];
      if (r.chance(0.05)) doc.log = r.pick([{ a: 1 }, 'log', [['running', 0]], [null, 3, 'x']]);
      // A number where a string belongs is bound as it is, and its TEXT column gives it back as text.
      if (r.chance(0.05)) doc.updated_at = r.int(1e9);
      const cols = columnsOf(e);
      const read = { ...cols, updated_at: String(cols.updated_at) };
      const stored = encodeExecution(doc, cols, e.action.runner_type);
      expect(decodeExecution(stored, read, (d) => d)).toStrictEqual(doc);
    }
  });

  it('spell log times exactly as toISOString does, on a third of the days from 1970 to 9999 and either side', () => {
    const r = random(1);
    const last = Date.parse('9999-12-31T23:59:59.999Z');
    const wrong: number[] = [];
    const check = (ms: number) => {
      if (isoTime(ms) !== new Date(ms).toISOString()) wrong.push(ms);
    };
    for (let day = 0; day * 86_400_000 <= last; day += 1 + r.int(5)) check(day * 86_400_000 + r.int(86_400_000));
    for (const ms of [0, 951_782_400_000, 951_868_799_999, last, last + 1, -1, -86_400_001, 8.64e15, -8.64e15])
      check(ms);
    expect(wrong).toEqual([]);
  });

  it('store what the columns hold once, and a status log of times as offsets', async () => {
    const path = tempPath();
    const store = await openStore(path);
    const t = (ms: number) => new Date(Date.parse('2030-01-01T00:00:00.000Z') + ms).toISOString();
    const e = await store.executions.create({
      id: '6b0f3248c5267a77795afa10',
      action: ACTIONS[1]!,
      runner_type: 'noop',
      parameters: {},
      status: 'requested',
      start_timestamp: t(0),
      context: { user: 'bench', trace_context: { trace_tag: '6b0f3248c5267a77795afa0f' } },
      log: [{ status: 'requested', timestamp: t(0) }],
    });
    for (const [status, ms] of [
      ['scheduled', 3],
      ['running', 4],
      ['succeeded', 5],
    ] as const) {
      const done = status === 'succeeded' ? { end_timestamp: t(ms) } : {};
      await store.executions.update(
        e.id,
        { expect: { status: ['requested', 'scheduled', 'running'] } },
        {
          status,
          appendLog: { status, timestamp: t(ms) },
          ...done,
        },
      );
    }
    const stored = await store.executions.get(e.id);
    await store.close();
    const db = new Database(path, { readonly: true });
    try {
      const row = db.prepare('SELECT doc, parts FROM executions').get() as { doc: string; parts: string };
      expect(JSON.parse(row.doc)).toEqual([
        { parameters: {} },
        [
          ['requested', 0],
          ['scheduled', 3],
          ['running', 4],
          ['succeeded', 5],
        ],
        15,
      ]);
      expect(row.parts).toMatch(/^[\w-]{22}$/);
    } finally {
      db.close();
    }
    expect(stored).toMatchObject({
      id: e.id,
      runner_type: 'noop',
      status: 'succeeded',
      end_timestamp: t(5),
      context: { user: 'bench', trace_context: { trace_tag: '6b0f3248c5267a77795afa0f' } },
    });
  });

  it('read the rows of the version before exactly, update them, and replace its indexes', async () => {
    const path = tempPath();
    const old = new Database(path);
    const r = random(22);
    const docs: Execution[] = [];
    try {
      migrate(
        old,
        MIGRATIONS.filter((m) => m.version < 24),
      );
      const insert = old.prepare(
        `INSERT INTO executions (id, status, action_ref, user, parent, start_timestamp, updated_at, heartbeat_at, doc, parts)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      old.prepare("INSERT INTO doc_parts (hash, doc) VALUES ('h1', ?)").run(JSON.stringify(ACTIONS[0]));
      for (let i = 0; i < 200; i++) {
        const e = plain({ ...randomExecution(r, []), children: [], attempts: 0, updated_at: r.time() }) as Execution;
        docs.push(e);
        // As the version before wrote them: the whole document, its action in doc_parts (or, older, inline).
        const { action, ...rest } = e;
        const inline = i % 3 === 0;
        // One in ten with a start column that differs from its document's, which reads as the document says.
        const startColumn = i % 10 === 5 ? '2031-06-01T00:00:00.000Z' : e.start_timestamp;
        insert.run(
          ...[e.id, e.status, action.ref, e.context.user ?? null, e.parent ?? null, startColumn],
          ...[
            e.updated_at,
            e.heartbeat_at ?? null,
            JSON.stringify(inline ? e : rest),
            inline ? null : '{"action":"h1"}',
          ],
        );
        if (!inline) e.action = plain(ACTIONS[0]!);
      }
    } finally {
      old.close();
    }
    const store = await openStore(path);
    try {
      for (const e of docs) expect(plain(await store.executions.get(e.id))).toStrictEqual(e);
      for (const e of docs.slice(0, 100)) {
        const next = await store.executions.update(e.id, { expect: { status: e.status } }, randomPatch(r, e));
        expect(plain(await store.executions.get(e.id))).toStrictEqual(plain(next));
      }
    } finally {
      await store.close();
    }
    const db = new Database(path, { readonly: true });
    try {
      const indexes = db
        .prepare(
          "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'executions' AND sql IS NOT NULL",
        )
        .all() as { name: string; sql: string }[];
      expect(Object.fromEntries(indexes.map((i) => [i.name, i.sql.replace(/^.* ON executions /, '')]))).toEqual({
        executions_start: '(start_timestamp, parent)',
        executions_status: '(status, updated_at)',
        executions_status_start: '(status, start_timestamp, parent)',
        executions_action_start: '(action_ref, start_timestamp, parent)',
        executions_user_start: '(user, start_timestamp, parent)',
        executions_parent_start: '(parent, start_timestamp) WHERE parent IS NOT NULL',
      });
    } finally {
      db.close();
    }
  });

  it('page executions started in the same millisecond by id', async () => {
    const store = await openStore(tempPath());
    try {
      const ids = ['c', 'a', 'e', 'b', 'd'];
      for (const id of ids) {
        await store.executions.create({
          id,
          action: ACTIONS[0]!,
          runner_type: 'local-shell-cmd',
          parameters: {},
          status: 'succeeded',
          start_timestamp: '2030-01-01T00:00:00.000Z',
          context: { user: 'alice' },
        });
      }
      const page = async (f: ExecutionFilter) => (await store.executions.list(f)).items.map((e) => e.id);
      expect(await page({})).toEqual(['e', 'd', 'c', 'b', 'a']);
      expect(await page({ order: 'asc', offset: 1, limit: 3 })).toEqual(['b', 'c', 'd']);
      expect(await page({ status: 'succeeded', parent: null, limit: 2, offset: 2 })).toEqual(['c', 'b']);
    } finally {
      await store.close();
    }
  });

  it('answer every query from an index, and every history page in start order without sorting the matches', async () => {
    const conn = new SqliteConnection(tempPath());
    conn.open();
    const repo = new SqliteExecutionRepo(conn, new SqliteDocParts(conn));
    const seen: string[] = [];
    const record = (sql: string) => {
      if (sql.includes('executions') && !seen.includes(sql)) seen.push(sql);
    };
    vi.spyOn(conn, 'prepare').mockImplementation(function (this: SqliteConnection, sql: string) {
      record(sql);
      return SqliteConnection.prototype.prepare.call(conn, sql);
    } as typeof conn.prepare);
    vi.spyOn(conn, 'prepareValue').mockImplementation(function (this: SqliteConnection, sql: string) {
      record(sql);
      return SqliteConnection.prototype.prepareValue.call(conn, sql);
    } as typeof conn.prepareValue);
    try {
      const week = '2030-01-01T00:00:00.000Z';
      const history: ExecutionFilter[] = [
        {},
        { status: 'failed' },
        { action: 'core.local' },
        { user: 'user7' },
        { startedAfter: week },
        { startedAfter: week, startedBefore: '2030-02-01T00:00:00.000Z' },
        { parent: null },
        { action: 'core.noop', status: 'succeeded', startedAfter: week },
        { user: 'user3', parent: null, offset: 500 },
        { parent: 'p1', order: 'asc' },
      ];
      const pages = new Set<string>();
      for (const f of history) {
        const before = seen.length;
        await repo.list({ limit: 50, ...f });
        for (const sql of seen.slice(before)) if (sql.includes('ORDER BY')) pages.add(sql);
      }
      const terminal = [...TERMINAL_STATUSES] as ExecutionStatus[];
      await repo.list({ status: ['requested', 'scheduled'], order: 'asc', limit: 1 });
      await repo.list({ status: 'requested', updatedBefore: week, limit: 100, order: 'asc' });
      await repo.list({ status: ['running', 'canceling'], heartbeatBefore: week, limit: 100, order: 'asc' });
      await repo.list({ status: terminal, updatedAfter: week, updatedBefore: week, limit: 100, order: 'asc' });
      await repo.list({ status: 'delayed', action: 'core.local', order: 'asc', limit: 100 });
      await repo.get('x');
      await repo.update('x', { expect: { status: 'running' } }, { status: 'succeeded' });
      await repo.heartbeat('x', week);
      await repo.purge({ before: week, dryRun: true });
      await repo.purge({ before: week, limit: 10 });
      await repo.countByStatus();
      // Output is kept while its execution is under way.
      const output = new SqliteOutputRepo(conn);
      await output.purge({ before: week, dryRun: true });
      await output.purge({ before: week, limit: 10 });
      expect(seen.length).toBeGreaterThan(20);
      for (const sql of seen) {
        if (!/^\s*(SELECT|UPDATE|DELETE)/.test(sql)) continue;
        const args = Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => 'x');
        const plan = conn.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[];
        const text = sql.replace(/\s+/g, ' ').trim();
        for (const { detail } of plan) {
          // Only what reads everything anyway (a count of all, or of top-level ones; a page of those,
          // which stops at its limit) may scan, and then an index, never the table's rows.
          if (detail.startsWith('SCAN')) {
            expect(text, detail).toMatch(/FROM executions( WHERE parent IS NULL)?( ORDER BY| GROUP BY|$)/);
            expect(detail, sql).toMatch(/USING (COVERING )?INDEX/);
          }
          if (pages.has(sql)) expect(detail, sql).not.toBe('USE TEMP B-TREE FOR ORDER BY');
        }
      }
    } finally {
      await conn.close();
    }
  });
});
