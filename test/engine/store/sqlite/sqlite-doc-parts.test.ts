import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../engine/logger.js';
import { createSqliteStore } from '../../../../engine/store/sqlite/sqlite-store.js';
import type { Store } from '../../../../engine/store/store.js';
import { makeAction, makeExecution } from '../../../support/store-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'squall-parts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function openStore(path: string): Promise<Store> {
  const store = await createSqliteStore({ kind: 'sqlite', path }, { logger: silentLogger });
  await store.init();
  return store;
}

const partCount = (path: string): number => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM doc_parts').pluck().get() as number;
  } finally {
    db.close();
  }
};

describe('SQLite shared document parts', () => {
  it('stores a part again after the batch that first wrote it failed, and once for good after a commit', async () => {
    const path = join(dir, 'parts.db');
    const store = await openStore(path);
    try {
      const action = makeAction({ ref: 'p.fresh', name: 'fresh', pack: 'p', description: 'A new description.' });
      const before = partCount(path);
      // A batch that cannot commit (an event segment id taken behind the store's back) takes the
      // execution and the new part with it.
      const other = new Database(path);
      other.prepare("INSERT INTO event_segments VALUES (1, 1, 0, 0, '[]')").run();
      const failed = await Promise.allSettled([
        store.executions.create(makeExecution({ id: 'lost', action })),
        store.events.append({ event: 'test.any', data: {} }),
      ]);
      expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      expect(partCount(path)).toBe(before);
      other.prepare('DELETE FROM event_segments').run();
      other.close();

      // The next execution of the action stores the part, and every later one reads it back.
      const first = await store.executions.create(makeExecution({ id: 'kept', action }));
      expect(partCount(path)).toBe(before + 1);
      for (let i = 0; i < 3; i++) await store.executions.create(makeExecution({ id: `more-${i}`, action }));
      expect(partCount(path)).toBe(before + 1);
      expect((await store.executions.get('kept'))?.action).toEqual(first.action);
      expect((await store.executions.get('more-2'))?.action).toEqual(action);
    } finally {
      await store.close();
    }
    // A new process (no memory of what was committed) reads them too.
    const again = await openStore(path);
    try {
      expect((await again.executions.get('more-1'))?.action.description).toBe('A new description.');
    } finally {
      await again.close();
    }
  });
});
