import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../engine/logger.js';
import { createMongoStore } from '../../../engine/store/mongo/mongo-store.js';
import { storeContract } from '../../contract/store.contract.js';

// Runs only against a real server: SQUALL_TEST_MONGODB_URL=mongodb://localhost:27017 npx vitest run ...
// Each store gets a database of its own, dropped by nobody: point it at a throwaway server.
const url = process.env.SQUALL_TEST_MONGODB_URL;

if (!url) {
  console.warn('mongo-store.mongo.test.ts skipped: set SQUALL_TEST_MONGODB_URL to a MongoDB server to run it');
}

function databaseUrl(base: string): string {
  const u = new URL(base);
  u.pathname = `/squall_test_${randomBytes(4).toString('hex')}`;
  return u.toString();
}

describe.skipIf(!url)('MongoDB store', () => {
  storeContract('mongo', () =>
    createMongoStore({ kind: 'mongo', url: databaseUrl(url ?? '') }, { logger: silentLogger }),
  );
});

// Needs no server: nothing listens on port 1, so this runs everywhere and checks the error mapping.
describe('MongoDB store without a server', () => {
  it('fails init with SQ_STORE_UNAVAILABLE and operations with SQ_STORE_UNAVAILABLE too', async () => {
    const store = await createMongoStore(
      { kind: 'mongo', url: 'mongodb://127.0.0.1:1/squall?serverSelectionTimeoutMS=300' },
      { logger: silentLogger },
    );
    await expect(store.init()).rejects.toMatchObject({ code: 'SQ_STORE_UNAVAILABLE' });
    await expect(store.executions.get('0123456789abcdef01234567')).rejects.toMatchObject({
      code: 'SQ_STORE_UNAVAILABLE',
    });
    await store.close();
  });
});
