import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../engine/logger.js';
import type { TriggerInstance } from '../../../../engine/model/trigger.js';
import { MIGRATIONS, migrate } from '../../../../engine/store/sqlite/sqlite-migrations.js';
import { createSqliteStore } from '../../../../engine/store/sqlite/sqlite-store.js';
import type { Store } from '../../../../engine/store/store.js';

const dir = mkdtempSync(join(tmpdir(), 'squall-sqlite-ti-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const tempPath = () => join(dir, `store-${++n}.db`);

async function withStore<T>(path: string, f: (s: Store) => Promise<T>): Promise<T> {
  const store = await createSqliteStore({ kind: 'sqlite', path }, { logger: silentLogger });
  await store.init();
  try {
    return await f(store);
  } finally {
    await store.close();
  }
}

const instance = (id: string, over: Partial<TriggerInstance> = {}): TriggerInstance => ({
  id,
  trigger: 'core.st2.generic.actiontrigger',
  parameters: {},
  payload: { execution_id: `e-${id}`, status: 'succeeded', parameters: { cmd: '********' }, result: { ok: true } },
  occurrence_time: '2026-01-01T10:00:00.000Z',
  status: 'pending',
  trace_tag: `trace-${id}`,
  updated_at: '2026-01-01T10:00:00.000Z',
  ...over,
});

describe('SQLite trigger instances', () => {
  it('stores the document without what its columns hold, and reads back what was given, fields in order', async () => {
    const path = tempPath();
    const t = instance('aaaaaaaaaaaaaaaaaaaaaaaa');
    await withStore(path, async (s) => {
      await s.triggerInstances.create(t);
      expect(JSON.stringify(await s.triggerInstances.get(t.id))).toBe(JSON.stringify(t));
      const moved = await s.triggerInstances.setStatus(t.id, ['pending'], 'processed');
      expect(moved).toEqual({ ...t, status: 'processed', updated_at: moved?.updated_at });
      expect(JSON.stringify((await s.triggerInstances.list({ traceTag: t.trace_tag })).items)).toBe(
        JSON.stringify([moved]),
      );
    });
    const db = new Database(path, { readonly: true });
    try {
      const doc = JSON.parse(db.prepare('SELECT doc FROM trigger_instances WHERE id = ?').pluck().get(t.id) as string);
      expect(Object.keys(doc)).toEqual(['parameters', 'payload', 'trace_tag']);
    } finally {
      db.close();
    }
  });

  it('reads instances an older version stored (the whole document) exactly as before, and moves and purges them', async () => {
    const path = tempPath();
    const old = new Database(path);
    const stored = instance('bbbbbbbbbbbbbbbbbbbbbbbb', {
      occurrence_time: '2026-01-01T09:00:00.000Z',
      updated_at: '2026-01-01T09:00:00.000Z',
    });
    const processed = instance('cccccccccccccccccccccccc', {
      trigger: 'core.st2.webhook',
      occurrence_time: '2026-01-01T09:00:01.000Z',
      updated_at: '2026-01-01T09:00:01.000Z',
    });
    try {
      migrate(
        old,
        MIGRATIONS.filter((m) => m.version < 25),
      );
      const insert = old.prepare(
        `INSERT INTO trigger_instances (id, trigger, status, occurrence_time, updated_at, doc) VALUES (?, ?, ?, ?, ?, ?)`,
      );
      for (const t of [stored, processed]) {
        insert.run(t.id, t.trigger, t.status, t.occurrence_time, t.updated_at, JSON.stringify(t));
      }
      // The older version moved the status by its columns only, leaving the document's stale.
      old
        .prepare("UPDATE trigger_instances SET status = 'processed', updated_at = ? WHERE id = ?")
        .run('2026-01-01T09:00:02.000Z', processed.id);
    } finally {
      old.close();
    }
    const processedNow = { ...processed, status: 'processed', updated_at: '2026-01-01T09:00:02.000Z' };

    await withStore(path, async (s) => {
      expect(JSON.stringify(await s.triggerInstances.get(stored.id))).toBe(JSON.stringify(stored));
      expect(JSON.stringify(await s.triggerInstances.get(processed.id))).toBe(JSON.stringify(processedNow));
      expect(await s.triggerInstances.list({ order: 'asc' })).toEqual({ items: [stored, processedNow], total: 2 });
      expect((await s.triggerInstances.list({ status: 'pending' })).items).toEqual([stored]);
      expect((await s.triggerInstances.list({ status: 'processed' })).items).toEqual([processedNow]);
      expect((await s.triggerInstances.list({ traceTag: processed.trace_tag })).items).toEqual([processedNow]);
      expect((await s.triggerInstances.list({ trigger: 'core.st2.webhook' })).items).toEqual([processedNow]);

      // Old and new rows side by side, in one order.
      const fresh = instance('dddddddddddddddddddddddd', { occurrence_time: '2026-01-01T09:00:00.500Z' });
      await s.triggerInstances.create(fresh);
      expect((await s.triggerInstances.list({ order: 'asc' })).items.map((t) => t.id)).toEqual([
        stored.id,
        fresh.id,
        processed.id,
      ]);

      const taken = await s.triggerInstances.setStatus(stored.id, ['pending'], 'processing');
      expect(taken).toEqual({ ...stored, status: 'processing', updated_at: taken?.updated_at });
      expect((await s.triggerInstances.list({ status: ['processing', 'processing_failed'] })).items).toEqual([taken]);

      // Only the handled one goes; the one the rules engine still owes stays.
      expect(await s.triggerInstances.purge({ before: '2026-01-01T09:00:05.000Z', dryRun: true })).toBe(1);
      expect(await s.triggerInstances.purge({ before: '2026-01-01T09:00:05.000Z' })).toBe(1);
      expect(await s.triggerInstances.get(processed.id)).toBeUndefined();
      expect(await s.triggerInstances.get(stored.id)).toEqual(taken);
    });
  });
});
