import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../engine/store/store.js';
import { makeToken } from '../../support/store-fixtures.js';

/** TokenRepo: tokens by hash, and expiry. */
export function tokenRepoContract(current: () => Store): void {
  describe('tokens', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it('stores tokens and deletes expired ones', async () => {
      const old = await store.tokens.create(makeToken({ expiry: '2030-01-01T00:00:00.000Z' }));
      const fresh = await store.tokens.create(makeToken({ expiry: '2030-01-03T00:00:00.000Z', metadata: { a: 1 } }));
      expect(await store.tokens.getByHash(fresh.token_hash)).toEqual(fresh);
      expect(await store.tokens.deleteExpired('2030-01-02T00:00:00.000Z')).toBe(1);
      expect(await store.tokens.getByHash(old.token_hash)).toBeUndefined();
      expect(await store.tokens.getByHash(fresh.token_hash)).toEqual(fresh);
      expect(await store.tokens.delete(fresh.token_hash)).toBe(true);
      expect(await store.tokens.delete(fresh.token_hash)).toBe(false);
    });
  });
}
