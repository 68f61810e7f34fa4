import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { derivedId } from '../../../../engine/ids.js';
import { silentLogger } from '../../../../engine/logger.js';
import type { Execution } from '../../../../engine/model/execution.js';
import type { TriggerInstance } from '../../../../engine/model/trigger.js';
import { MIGRATIONS, migrate } from '../../../../engine/store/sqlite/sqlite-migrations.js';
import { createSqliteStore } from '../../../../engine/store/sqlite/sqlite-store.js';
import type { Store } from '../../../../engine/store/store.js';
import { makeExecution } from '../../../support/store-fixtures.js';

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
    const t = instance('aaaaaaaaaaaaaaaaaaaaaaaa', { parameters: { url: 'alerts' } });
    const none = instance('abababababababababababab');
    await withStore(path, async (s) => {
      await s.triggerInstances.create(t);
      await s.triggerInstances.create(none);
      expect(JSON.stringify(await s.triggerInstances.get(t.id))).toBe(JSON.stringify(t));
      expect(JSON.stringify(await s.triggerInstances.get(none.id))).toBe(JSON.stringify(none));
      const moved = await s.triggerInstances.setStatus(t.id, ['pending'], 'processed');
      expect(moved).toEqual({ ...t, status: 'processed', updated_at: moved?.updated_at });
      expect(JSON.stringify((await s.triggerInstances.list({ traceTag: t.trace_tag })).items)).toBe(
        JSON.stringify([moved]),
      );
    });
    const db = new Database(path, { readonly: true });
    try {
      const doc = (id: string) =>
        JSON.parse(db.prepare('SELECT doc FROM trigger_instances WHERE id = ?').pluck().get(id) as string);
      expect(Object.keys(doc(t.id)).sort()).toEqual(['parameters', 'payload', 'trace_tag']);
      // Empty trigger parameters are not stored.
      expect(Object.keys(doc(none.id)).sort()).toEqual(['payload', 'trace_tag']);
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

  /** The notifier's actiontrigger instance for `e` (parameters masked as it masks them). */
  const actionTrigger = (e: Execution): TriggerInstance => ({
    id: derivedId(e.id, 'actiontrigger'),
    trigger: 'core.st2.generic.actiontrigger',
    parameters: {},
    payload: {
      execution_id: e.id,
      status: e.status,
      start_timestamp: e.start_timestamp,
      action_name: e.action.name,
      action_ref: e.action.ref,
      runner_ref: e.runner_type,
      parameters: { cmd: 'echo ********' },
      result: e.result ?? {},
    },
    occurrence_time: '2026-01-01T11:00:00.000Z',
    status: 'pending',
    trace_tag: `trace-${e.id}`,
    updated_at: '2026-01-01T11:00:00.000Z',
  });

  const storedDoc = (path: string, id: string) => {
    const db = new Database(path, { readonly: true });
    try {
      return JSON.parse(db.prepare('SELECT doc FROM trigger_instances WHERE id = ?').pluck().get(id) as string);
    } finally {
      db.close();
    }
  };

  it("stores of an actiontrigger payload only what is not its settled execution's own, reads it whole, and writes it back when the execution is purged", async () => {
    const path = tempPath();
    let t!: TriggerInstance;
    let processed!: TriggerInstance;
    await withStore(path, async (s) => {
      const e = await s.executions.create(
        makeExecution({
          status: 'succeeded',
          end_timestamp: '2026-01-01T10:59:00.000Z',
          result: { stdout: 'hi', nested: { list: [1, null, 'x'] } },
        }),
      );
      t = actionTrigger(e);
      await s.triggerInstances.create(t);
      expect(JSON.stringify(await s.triggerInstances.get(t.id))).toBe(JSON.stringify(t));
      expect(JSON.stringify((await s.triggerInstances.list({ traceTag: t.trace_tag })).items)).toBe(
        JSON.stringify([t]),
      );
      processed = (await s.triggerInstances.setStatus(t.id, ['pending'], 'processed')) as TriggerInstance;
      expect(JSON.stringify(processed)).toBe(
        JSON.stringify({ ...t, status: 'processed', updated_at: processed.updated_at }),
      );
    });
    expect(storedDoc(path, t.id)).toEqual({
      payload_ref: { execution_id: t.payload.execution_id, parameters: { cmd: 'echo ********' } },
      trace_tag: t.trace_tag,
    });

    await withStore(path, async (s) => {
      // Another process (nothing in memory): the fields come from the execution.
      expect(JSON.stringify(await s.triggerInstances.get(t.id))).toBe(JSON.stringify(processed));
      expect(JSON.stringify((await s.triggerInstances.list({ status: 'processed' })).items)).toBe(
        JSON.stringify([processed]),
      );
      expect(await s.executions.purge({ before: '2030-01-01T00:00:00.000Z' })).toBe(1);
      expect(await s.executions.get(String(t.payload.execution_id))).toBeUndefined();
      expect(JSON.stringify(await s.triggerInstances.get(t.id))).toBe(JSON.stringify(processed));
    });
    expect(storedDoc(path, t.id)).toEqual({ payload: t.payload, trace_tag: t.trace_tag });
  });

  it('stores the payload whole when it is not to the letter its settled execution’s, or the instance is not the notifier’s', async () => {
    const path = tempPath();
    await withStore(path, async (s) => {
      const done = { status: 'succeeded', end_timestamp: '2026-01-01T10:59:00.000Z', result: { a: 1, b: 2 } } as const;
      // The sweeper still writes what became of an abandoned execution's processes into its result.
      const abandoned = await s.executions.create(makeExecution({ ...done, status: 'abandoned' }));
      const running = await s.executions.create(makeExecution({ status: 'running' }));
      const settled = async () => actionTrigger(await s.executions.create(makeExecution(done)));
      const reordered = await settled();
      reordered.payload.result = { b: 2, a: 1 };
      const otherId = { ...(await settled()), id: 'eeeeeeeeeeeeeeeeeeeeeeee' };
      const missingField = await settled();
      delete missingField.payload.parameters;
      const gone = await settled();
      gone.id = derivedId('no-such-execution', 'actiontrigger');
      gone.payload.execution_id = 'no-such-execution';
      const whole = [actionTrigger(abandoned), actionTrigger(running), reordered, otherId, missingField, gone];
      for (const t of whole) {
        await s.triggerInstances.create(t);
        expect(JSON.stringify(await s.triggerInstances.get(t.id))).toBe(JSON.stringify(t));
      }
      return whole;
    }).then((whole) => {
      for (const t of whole) expect(storedDoc(path, t.id).payload).toEqual(t.payload);
    });
  });
});
