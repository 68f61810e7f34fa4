import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../engine/store/store.js';

/** DedupRepo: once-only keys. */
export function dedupRepoContract(current: () => Store): void {
  describe('dedup', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it('lets a key be claimed exactly once until pruned', async () => {
      expect(await store.dedup.claim('slack:evt1', '2030-01-01T00:00:00.000Z')).toBe(true);
      expect(await store.dedup.claim('slack:evt1')).toBe(false);
      const racers = await Promise.all(
        Array.from({ length: 10 }, () => store.dedup.claim('slack:evt2', '2030-01-01T00:00:05.000Z')),
      );
      expect(racers.filter(Boolean)).toHaveLength(1);
      expect(await store.dedup.prune('2030-01-01T00:00:01.000Z')).toBe(1);
      expect(await store.dedup.claim('slack:evt1')).toBe(true);
    });
  });
}
