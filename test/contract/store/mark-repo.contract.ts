import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../engine/store/store.js';
import { minutesFromNow } from './store-contract-helpers.js';

/** MarkRepo: internal markers with expiry. */
export function markRepoContract(current: () => Store): void {
  describe('marks', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it('stores JSON values, hides expired ones and deletes', async () => {
      await store.marks.set('obj', { a: [1, 'two', null, { b: true }] });
      await store.marks.set('num', 3.5);
      await store.marks.set('str', 'text');
      await store.marks.set('nul', null);
      expect(await store.marks.get('obj')).toEqual({ a: [1, 'two', null, { b: true }] });
      expect(await store.marks.get('num')).toBe(3.5);
      expect(await store.marks.get('str')).toBe('text');
      expect(await store.marks.get('nul')).toBeNull();
      expect(await store.marks.get('missing')).toBeUndefined();

      await store.marks.set('old', 'gone', { expiresAt: minutesFromNow(-1) });
      await store.marks.set('fresh', 'here', { expiresAt: minutesFromNow(10) });
      expect(await store.marks.get('old')).toBeUndefined();
      expect(await store.marks.get('fresh')).toBe('here');
      expect(await store.marks.delete('old')).toBe(false);

      await store.marks.set('fresh', 'forever');
      expect(await store.marks.get('fresh')).toBe('forever');
      expect(await store.marks.delete('fresh')).toBe(true);
      expect(await store.marks.delete('fresh')).toBe(false);
      expect(await store.marks.get('fresh')).toBeUndefined();
    });
  });
}
