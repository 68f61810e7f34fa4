import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../engine/store/store.js';
import { makeApiKey } from '../../support/store-fixtures.js';
import { expectCode } from './store-contract-helpers.js';

/** ApiKeyRepo: keys by id, hash and user. */
export function apiKeyRepoContract(current: () => Store): void {
  describe('API keys', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it('stores API keys, finds them by hash and user, updates and deletes them', async () => {
      const k1 = await store.apiKeys.create(makeApiKey({ metadata: { note: 'ci' } }));
      const k2 = await store.apiKeys.create(makeApiKey({ user: 'bob' }));
      await expectCode(store.apiKeys.create(makeApiKey({ key_hash: k1.key_hash })), 'SQ_CONFLICT');
      expect(await store.apiKeys.get(k1.id)).toEqual(k1);
      expect(await store.apiKeys.getByHash(k2.key_hash)).toEqual(k2);
      expect(await store.apiKeys.getByHash('nope')).toBeUndefined();
      expect((await store.apiKeys.list()).map((k) => k.id).sort()).toEqual([k1.id, k2.id].sort());
      expect(await store.apiKeys.list({ user: 'bob' })).toEqual([k2]);
      const disabled = await store.apiKeys.update(k1.id, { enabled: false });
      expect(disabled).toEqual({ ...k1, enabled: false });
      expect(await store.apiKeys.getByHash(k1.key_hash)).toEqual(disabled);
      expect(await store.apiKeys.update('0123456789abcdef01234567', { enabled: false })).toBeUndefined();
      expect(await store.apiKeys.delete(k1.id)).toBe(true);
      expect(await store.apiKeys.delete(k1.id)).toBe(false);
      expect(await store.apiKeys.get(k1.id)).toBeUndefined();
    });
  });
}
