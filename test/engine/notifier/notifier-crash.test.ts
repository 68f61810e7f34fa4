import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../bench/bench-util.js';
import { silentLogger } from '../../../engine/logger.js';
import { isTerminal } from '../../../engine/model/execution.js';
import { createSqliteStore } from '../../../engine/store/sqlite/sqlite-store.js';
import type { Store } from '../../../engine/store/store.js';
import { apiClient, startSquallProcess } from '../../support/squall-process.js';

const N = 40;

async function withStore<T>(dbPath: string, f: (s: Store) => Promise<T>): Promise<T> {
  const store = await createSqliteStore({ kind: 'sqlite', path: dbPath }, { logger: silentLogger });
  await store.init();
  try {
    return await f(store);
  } finally {
    await store.close();
  }
}

/** How many actiontrigger instances each execution has. */
async function actionTriggers(store: Store): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const items = (await store.triggerInstances.list({ trigger: 'core.st2.generic.actiontrigger', limit: 100_000 }))
    .items;
  for (const t of items) {
    const id = String(t.payload.execution_id);
    out.set(id, (out.get(id) ?? 0) + 1);
  }
  return out;
}

describe('action triggers across a kill -9', () => {
  const dir = tempDir('squall-notifier-crash-');
  afterAll(() => dir.remove());

  it('every execution that ended has exactly one actiontrigger after a kill -9 while they were finishing and a restart', async () => {
    const db = join(dir.path, 'squall.db');
    const first = await startSquallProcess(dir.path);
    const api = apiClient(first);
    const ids = (
      await Promise.all(
        Array.from({ length: N }, () =>
          api<{ id: string }>('POST', '/api/v1/executions', { action: 'core.local', parameters: { cmd: 'sleep 1' } }),
        ),
      )
    ).map((r) => r.body.id);
    // Pull the plug at the moment an execution has ended and its trigger is not stored yet, if we catch
    // one (a reader of the same SQLite file sees the terminal write a moment before the notifier's).
    const reader = new Database(db, { readonly: true });
    const terminalWithoutTrigger = reader.prepare(
      `SELECT COUNT(*) FROM executions e WHERE e.status = 'succeeded' AND NOT EXISTS (
         SELECT 1 FROM trigger_instances t WHERE t.trigger = 'core.st2.generic.actiontrigger'
         AND coalesce(json_extract(t.doc, '$.payload.execution_id'), json_extract(t.doc, '$.payload_ref.execution_id')) = e.id)`,
    );
    const succeeded = reader.prepare(`SELECT COUNT(*) FROM executions WHERE status = 'succeeded'`);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if ((succeeded.pluck().get() as number) >= N) break;
      if ((terminalWithoutTrigger.pluck().get() as number) > 0) break;
      await new Promise((r) => setImmediate(r));
    }
    reader.close();
    await first.kill9();
    const before = await withStore(db, actionTriggers);
    console.log(
      'DIAG',
      await withStore(db, async (s) => {
        let owed = 0,
          term = 0;
        for (const id of ids) {
          const e = await s.executions.get(id);
          if (e && isTerminal(e.status)) {
            term++;
            if (!before.has(id)) owed++;
          }
        }
        return { term, owed, had: before.size };
      }),
    );

    const second = await startSquallProcess(dir.path);
    try {
      // Executions still running at the kill end `abandoned`; those that ended get their trigger from the sweep.
      await expect
        .poll(
          async () =>
            withStore(db, async (s) => {
              const counts = await actionTriggers(s);
              for (const id of ids) {
                const e = await s.executions.get(id);
                if (!e || !isTerminal(e.status) || counts.get(id) !== 1) return false;
              }
              return true;
            }),
          { timeout: 40_000, interval: 1000 },
        )
        .toBe(true);
      const after = await withStore(db, actionTriggers);
      for (const id of ids) expect(after.get(id)).toBe(1);
      // Whatever had its trigger before the crash kept that one and got no second.
      for (const [id, n] of before) expect(after.get(id)).toBe(n);
    } finally {
      await second.stop();
    }
  }, 90_000);
});
