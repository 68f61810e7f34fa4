import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../engine/store/store.js';
import { minutesFromNow } from './store-contract-helpers.js';

/** EventRepo: the stream's numbered, resumable events. */
export function eventRepoContract(current: () => Store): void {
  describe('events', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it('numbers events, reads them since an id, and remembers the last id after a purge (dry run, batches)', async () => {
      expect(await store.events.lastId()).toBe(0);
      const a = await store.events.append({ event: 'st2.execution__create', data: { id: 'e1' } });
      const b = await store.events.append({ event: 'st2.execution__update', data: { id: 'e1', n: [1] } });
      const c = await store.events.append({ event: 'st2.execution__update', data: { id: 'e2' } });
      expect(b.id).toBeGreaterThan(a.id);
      expect(c.id).toBeGreaterThan(b.id);
      expect(await store.events.lastId()).toBe(c.id);
      expect(await store.events.since(a.id)).toEqual([b, c]);
      expect(await store.events.since(0, 2)).toEqual([a, b]);
      expect(await store.events.since(c.id)).toEqual([]);
      expect(await store.events.purge({ before: minutesFromNow(-1) })).toBe(0);
      expect(await store.events.purge({ before: minutesFromNow(1), dryRun: true })).toBe(3);
      expect(await store.events.since(0)).toHaveLength(3);
      expect(await store.events.purge({ before: minutesFromNow(1), limit: 2 })).toBe(2);
      expect(await store.events.purge({ before: minutesFromNow(1) })).toBe(1);
      expect(await store.events.since(0)).toEqual([]);
      expect(await store.events.lastId()).toBe(c.id);
      const d = await store.events.append({ event: 'x', data: {} });
      expect(d.id).toBeGreaterThan(c.id);
    });
  });
}
