import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../engine/logger.js';
import { createMongoStore } from '../../../engine/store/mongo/mongo-store.js';
import { createSqliteStore } from '../../../engine/store/sqlite/sqlite-store.js';
import { storeContract } from '../../contract/store.contract.js';

// Every repo's contract on every adapter: SQLite always (a file and :memory:), MongoDB when
// SQUALL_TEST_MONGODB_URL points at a throwaway server (each store gets a database of its own,
// dropped by nobody).
const mongoUrl = process.env.SQUALL_TEST_MONGODB_URL;
if (!mongoUrl) console.warn('store contract on MongoDB skipped: set SQUALL_TEST_MONGODB_URL to a MongoDB server');

const dir = mkdtempSync(join(tmpdir(), 'squall-store-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

storeContract('sqlite file', () =>
  createSqliteStore({ kind: 'sqlite', path: join(dir, `store-${++n}.db`) }, { logger: silentLogger }),
);
storeContract('sqlite :memory:', () =>
  createSqliteStore({ kind: 'sqlite', path: ':memory:' }, { logger: silentLogger }),
);

function databaseUrl(base: string): string {
  const u = new URL(base);
  u.pathname = `/squall_test_${randomBytes(4).toString('hex')}`;
  return u.toString();
}

describe.skipIf(!mongoUrl)('MongoDB', () => {
  storeContract('mongo', () =>
    createMongoStore({ kind: 'mongo', url: databaseUrl(mongoUrl ?? '') }, { logger: silentLogger }),
  );
});

describe('the contract suite', () => {
  it('exercises every repo of the Store', async () => {
    // A repo added to the Store without a contract (test/contract/store/) fails here, not in production on MongoDB.
    const store = await createSqliteStore({ kind: 'sqlite', path: ':memory:' }, { logger: silentLogger });
    const folder = new URL('../../contract/store/', import.meta.url);
    const sources = readdirSync(folder)
      .filter((f) => f.endsWith('.contract.ts'))
      .map((f) => readFileSync(new URL(f, folder), 'utf8'))
      .join('\n');
    const repos = Object.entries(store)
      .filter(([, v]) => typeof v === 'object' && v !== null)
      .map(([k]) => k);
    expect(repos.length).toBeGreaterThan(20);
    expect(repos.filter((k) => !sources.includes(`store.${k}.`))).toEqual([]);
  });
});
