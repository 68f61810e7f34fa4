import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../engine/logger.js';
import { createSqliteStore } from '../../../../engine/store/sqlite/sqlite-store.js';
import { makeExecution } from '../../../support/store-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'squall-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function until(ok: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (ok()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return ok();
}

describe('SQLite checkpoints', () => {
  it('copy committed pages into the database file while the store is open, far below the fallback threshold', async () => {
    const path = join(dir, 'squall.db');
    const store = await createSqliteStore({ kind: 'sqlite', path }, { logger: silentLogger });
    await store.init();
    try {
      const before = statSync(path).size;
      const made = await Promise.all(
        Array.from({ length: 200 }, (_, i) => store.executions.create(makeExecution({ id: `e${i}` }))),
      );
      // Commits only reach the WAL; the file grows once the checkpointer has copied them over.
      expect(await until(() => statSync(path).size > before, 10_000)).toBe(true);
      expect((await store.executions.get(made[199]!.id))?.id).toBe('e199');
    } finally {
      await store.close();
    }
    // Closing folds what is left of the WAL into the file.
    expect(existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0).toBe(0);
    const again = await createSqliteStore({ kind: 'sqlite', path }, { logger: silentLogger });
    await again.init();
    try {
      expect((await again.executions.list({ limit: 1 })).total).toBe(200);
    } finally {
      await again.close();
    }
  });
});
