import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../engine/store/store.js';

/** PolicySlotRepo: at most `limit` holders per key, across every caller; a holder keeps its slot. */
export function policySlotRepoContract(current: () => Store): void {
  describe('policy slots', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it('hands out at most limit slots per key and frees them by holder', async () => {
      expect(await store.policySlots.take('ops.limit', 2, 'e1')).toBe(true);
      expect(await store.policySlots.take('ops.limit', 2, 'e1')).toBe(true);
      expect(await store.policySlots.take('ops.limit', 2, 'e2')).toBe(true);
      expect(await store.policySlots.take('ops.limit', 2, 'e3')).toBe(false);
      expect(await store.policySlots.take('ops.other', 1, 'e3')).toBe(true);
      expect((await store.policySlots.list('ops.limit')).map((s) => [s.slot, s.holder])).toEqual([
        [0, 'e1'],
        [1, 'e2'],
      ]);
      expect(await store.policySlots.release('e1')).toEqual(['ops.limit']);
      expect(await store.policySlots.release('e1')).toEqual([]);
      expect(await store.policySlots.take('ops.limit', 2, 'e3')).toBe(true);
      expect((await store.policySlots.list('ops.limit')).map((s) => [s.slot, s.holder])).toEqual([
        [0, 'e3'],
        [1, 'e2'],
      ]);
    });

    it('lets exactly limit of many concurrent takers win', async () => {
      const holders = Array.from({ length: 12 }, (_, i) => `h${i}`);
      const won = await Promise.all(holders.map((h) => store.policySlots.take('ops.race', 3, h)));
      expect(won.filter(Boolean)).toHaveLength(3);
      expect(await store.policySlots.list('ops.race')).toHaveLength(3);
    });
  });
}
