import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../engine/logger.js';
import { createMongoStore } from '../../../engine/store/mongo/mongo-store.js';

// The contract suite runs on MongoDB from store-contract.test.ts (SQUALL_TEST_MONGODB_URL).

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
