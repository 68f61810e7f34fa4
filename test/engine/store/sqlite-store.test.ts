import { type ChildProcess, fork } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../engine/logger.js';
import { MIGRATIONS, migrate } from '../../../engine/store/sqlite/sqlite-migrations.js';
import { createSqliteStore } from '../../../engine/store/sqlite/sqlite-store.js';
import type { Store } from '../../../engine/store/store.js';
import { makeAction, makeExecution, makeUser } from '../../support/store-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'squall-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const tempPath = () => join(dir, `store-${++n}.db`);
const open = (path: string) => createSqliteStore({ kind: 'sqlite', path }, { logger: silentLogger });

describe('SQLite store', () => {
  it('keeps the database and its -wal and -shm files readable by their owner only (0600)', async () => {
    const path = tempPath();
    const store = await open(path);
    await store.init();
    try {
      await store.executions.create(makeExecution());
      for (const p of [path, `${path}-wal`, `${path}-shm`]) expect(statSync(p).mode & 0o777).toBe(0o600);
    } finally {
      await store.close();
    }
    // A file an older version left world-readable is narrowed when opened.
    const old = tempPath();
    writeFileSync(old, '');
    chmodSync(old, 0o644);
    const reopened = await open(old);
    await reopened.init();
    await reopened.close();
    expect(statSync(old).mode & 0o777).toBe(0o600);
  });

  it('keeps its data across close and reopen of the same file', async () => {
    const path = tempPath();
    const first = await open(path);
    await first.init();
    const e = await first.executions.create(makeExecution());
    await first.executions.update(e.id, { expect: { status: 'requested' } }, { status: 'scheduled' });
    const action = await first.actions.upsert(makeAction());
    await first.users.create(makeUser({ nicknames: { slack: 'U1' } }));
    await first.output.append([{ execution_id: e.id, stream: 'stdout', data: 'hello' }]);
    const ev = await first.events.append({ event: 'x', data: {} });
    await first.close();

    const second = await open(path);
    await second.init();
    try {
      expect((await second.executions.get(e.id))?.status).toBe('scheduled');
      expect(await second.actions.get(action.ref)).toEqual(action);
      expect((await second.users.findByNickname('slack', 'U1'))?.name).toBe('alice');
      expect((await second.output.list(e.id)).map((c) => c.data)).toEqual(['hello']);
      expect(await second.events.lastId()).toBe(ev.id);
    } finally {
      await second.close();
    }
  });

  it('records each migration once and treats a second init as a no-op', async () => {
    const path = tempPath();
    const store = await open(path);
    await store.init();
    await store.executions.create(makeExecution());
    await store.init();
    await store.close();
    const again = await open(path);
    await again.init();
    expect((await again.executions.list({})).total).toBe(1);
    await again.close();

    const db = new Database(path, { readonly: true });
    try {
      const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
      // Entries are appended as helpers land them, so the list is not in version order; the table is.
      const byVersion = [...MIGRATIONS].sort((a, b) => a.version - b.version);
      expect(rows).toEqual(byVersion.map((m) => ({ version: m.version, name: m.name })));
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
  });

  it('opens a database of the version before shared document parts, reading and updating its executions and events', async () => {
    const path = tempPath();
    const old = new Database(path);
    const action = { id: 'a1', ref: 'core.noop', name: 'noop', pack: 'core', description: 'Does nothing.' };
    const doc = {
      id: 'e1',
      action,
      runner_type: 'noop',
      parameters: {},
      status: 'running',
      start_timestamp: '2030-01-01T00:00:00.000Z',
      updated_at: '2030-01-01T00:00:00.000Z',
      context: { user: 'u' },
      log: [{ status: 'running', timestamp: '2030-01-01T00:00:00.000Z' }],
      children: [],
      attempts: 0,
      timeout_s: 600,
    };
    try {
      migrate(
        old,
        MIGRATIONS.filter((m) => m.version < 15),
      );
      old
        .prepare(
          `INSERT INTO executions (id, status, action_ref, user, parent, start_timestamp, updated_at, heartbeat_at, doc)
           VALUES ('e1', 'running', 'core.noop', 'u', NULL, ?, ?, NULL, ?)`,
        )
        .run(doc.start_timestamp, doc.updated_at, JSON.stringify(doc));
      old
        .prepare("INSERT INTO events (event, data, timestamp) VALUES ('st2.execution__create', ?, ?)")
        .run(JSON.stringify({ id: 'e1', action }), '2030-01-01T00:00:00.000Z');
    } finally {
      old.close();
    }

    const store = await open(path);
    await store.init();
    try {
      expect(await store.executions.get('e1')).toEqual(doc);
      const done = await store.executions.update('e1', { expect: { status: 'running' } }, { status: 'succeeded' });
      expect(done?.action).toEqual(action);
      expect((await store.executions.get('e1'))?.action).toEqual(action);
      const later = await store.events.append({ event: 'st2.execution__update', data: { id: 'e1', action, n: 1 } });
      expect((await store.events.since(0)).map((e) => e.data)).toEqual([{ id: 'e1', action }, later.data]);
    } finally {
      await store.close();
    }
  });

  it('opens a database of the version before owed results and marks had repos of their own, keeping its data', async () => {
    const path = tempPath();
    const old = new Database(path);
    try {
      migrate(
        old,
        MIGRATIONS.filter((m) => m.version <= 4),
      );
      const outbox = old.prepare(
        'INSERT INTO outbox (id, queue, payload, due_at, attempts, created_at) VALUES (?, ?, ?, ?, 0, ?)',
      );
      outbox.run(
        'chat-result:e1',
        'chat-result',
        '{"execution_id":"e1","route":"chat"}',
        '2030-01-01T00:00:00.000Z',
        '2030-01-01T00:00:00.000Z',
      );
      outbox.run('slack:C1:m1', 'slack:C1', '{"text":"hi"}', '2030-01-01T00:00:01.000Z', '2030-01-01T00:00:01.000Z');
      outbox.run(
        'chat-result:e2',
        'chat-result',
        '{"execution_id":"e2"}',
        '2030-01-01T00:00:02.000Z',
        '2030-01-01T00:00:02.000Z',
      );
      old.prepare('INSERT INTO kv (key, value, expires_at) VALUES (?, ?, NULL)').run('chat:ack:e1', '{"ts":"1.2"}');
    } finally {
      old.close();
    }

    const store = await open(path);
    await store.init();
    try {
      expect(await store.owedResults.list()).toEqual([
        { execution_id: 'e1', route: 'chat', created_at: '2030-01-01T00:00:00.000Z' },
        { execution_id: 'e2', route: 'chat', created_at: '2030-01-01T00:00:02.000Z' },
      ]);
      expect((await store.outbox.pending('')).map((i) => i.id)).toEqual(['slack:C1:m1']);
      expect(await store.marks.get('chat:ack:e1')).toEqual({ ts: '1.2' });
      expect(await store.leases.acquire('timers', 'a', 60_000)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('fails with SQ_STORE_UNAVAILABLE when the file cannot be opened', async () => {
    const store = await open(join(dir, 'missing-folder', 'x.db'));
    await expect(store.init()).rejects.toMatchObject({ code: 'SQ_STORE_UNAVAILABLE' });
  });

  it('lets exactly one of two processes on one file win each CAS race', async () => {
    const path = tempPath();
    const store = await open(path);
    await store.init();
    try {
      const ids: string[] = [];
      for (let i = 0; i < 300; i++)
        ids.push((await store.executions.create(makeExecution({ status: 'scheduled' }))).id);
      const racers = ['p1', 'p2'].map((w) =>
        fork(fileURLToPath(new URL('./cas-racer.child.ts', import.meta.url)), [path, w], {
          execArgv: ['--import', 'tsx'],
        }),
      );
      const message = (c: ChildProcess) =>
        new Promise<{ ready?: boolean; won?: string[] }>((resolve, reject) => {
          c.once('message', (m) => resolve(m as { ready?: boolean; won?: string[] }));
          c.once('error', reject);
          c.once('exit', (code) => reject(new Error(`racer exited with ${code} before replying`)));
        });
      await Promise.all(racers.map(message));
      const replies = racers.map(message);
      // The same order, so that the two processes contend for every id.
      for (const r of racers) r.send(ids);
      const [p1, p2] = await Promise.all(replies);
      const won = [...(p1?.won ?? []), ...(p2?.won ?? [])];
      expect(won.sort()).toEqual([...ids].sort());
      const stored = await store.executions.list({ status: 'running' });
      expect(stored.total).toBe(ids.length);
      const byId = new Map(stored.items.map((e) => [e.id, e.worker]));
      for (const id of p1?.won ?? []) expect(byId.get(id)).toBe('p1');
      for (const id of p2?.won ?? []) expect(byId.get(id)).toBe('p2');
    } finally {
      await store.close();
    }
  });

  it('lets exactly one of several connections on one file win a CAS race', async () => {
    const path = tempPath();
    const stores: Store[] = [await open(path), await open(path), await open(path)];
    await Promise.all(stores.map((s) => s.init()));
    try {
      const [a, b, c] = stores as [Store, Store, Store];
      const ids: string[] = [];
      for (let i = 0; i < 50; i++) ids.push((await a.executions.create(makeExecution({ status: 'scheduled' }))).id);
      const claims = await Promise.all(
        ids.flatMap((id) =>
          [a, b, c].map((s, w) =>
            s.executions.update(id, { expect: { status: 'scheduled' } }, { status: 'running', worker: `w${w}` }),
          ),
        ),
      );
      for (const id of ids) {
        const winners = claims.filter((r) => r?.id === id);
        expect(winners).toHaveLength(1);
        expect((await c.executions.get(id))?.worker).toBe(winners[0]?.worker);
      }
      expect(await b.executions.countByStatus()).toEqual({ running: 50 });
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
