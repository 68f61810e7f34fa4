import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../engine/store/store.js';

/** OutboxRepo: per-channel queues that keep their order. */
export function outboxRepoContract(current: () => Store): void {
  describe('outbox', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    const past = '2030-01-01T00:00:00.000Z';
    const now = '2030-01-01T00:01:00.000Z';
    const later = '2030-01-01T00:02:00.000Z';

    it('returns the due head of each queue with the prefix, keeping each queue in order', async () => {
      await store.outbox.enqueue({ id: 'a1', queue: 'slack:A', payload: { text: 'a1' }, due_at: later });
      await store.outbox.enqueue({ id: 'a2', queue: 'slack:A', payload: { text: 'a2' }, due_at: past });
      await store.outbox.enqueue({ id: 'b1', queue: 'slack:B', payload: { text: 'b1' }, due_at: past });
      await store.outbox.enqueue({ id: 'b2', queue: 'slack:B', payload: { text: 'b2' }, due_at: past });
      await store.outbox.enqueue({ id: 't1', queue: 'teams:A', payload: { text: 't1' }, due_at: past });
      const heads = await store.outbox.heads('slack:', now);
      expect(heads.map((h) => h.id)).toEqual(['b1']);
      expect(heads[0]).toMatchObject({ queue: 'slack:B', payload: { text: 'b1' }, attempts: 0 });
      expect((await store.outbox.heads('teams:', now)).map((h) => h.id)).toEqual(['t1']);
      expect((await store.outbox.heads('', now)).map((h) => h.id).sort()).toEqual(['b1', 't1']);
      expect((await store.outbox.pending('slack:')).map((h) => h.id)).toEqual(['a1', 'a2', 'b1', 'b2']);
    });

    it('reschedules and removes items, and treats a repeated enqueue as a no-op', async () => {
      const a1 = await store.outbox.enqueue({ id: 'a1', queue: 'q:A', payload: { n: 1 }, due_at: past });
      await store.outbox.enqueue({ id: 'a2', queue: 'q:A', payload: { n: 2 }, due_at: past, attempts: 1 });
      const again = await store.outbox.enqueue({ id: 'a1', queue: 'q:A', payload: { n: 99 }, due_at: later });
      expect(again).toEqual(a1);
      expect((await store.outbox.pending('q:')).map((i) => i.id)).toEqual(['a1', 'a2']);

      await store.outbox.reschedule('a1', later, 1);
      expect(await store.outbox.heads('q:', now)).toEqual([]);
      expect((await store.outbox.heads('q:', later))[0]).toMatchObject({ id: 'a1', attempts: 1, due_at: later });
      await store.outbox.remove('a1');
      expect((await store.outbox.heads('q:', now)).map((i) => i.id)).toEqual(['a2']);
      await store.outbox.remove('a2');
      expect(await store.outbox.pending('q:')).toEqual([]);
    });
  });
}
