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

    it('gives an item to one of two owners racing for it, and to another only once the claim lapsed', async () => {
      const until = '2030-01-01T00:01:30.000Z';
      await store.outbox.enqueue({ id: 'c1', queue: 'slack:C', payload: { n: 1 }, due_at: past });
      const [a, b] = await Promise.all([
        store.outbox.claim('c1', 'bot-a', until, now),
        store.outbox.claim('c1', 'bot-b', until, now),
      ]);
      expect([a, b].filter(Boolean)).toHaveLength(1);
      const winner = a ? 'bot-a' : 'bot-b';
      const loser = a ? 'bot-b' : 'bot-a';
      expect((await store.outbox.pending('slack:'))[0]).toMatchObject({ owner: winner, claimed_until: until });
      // The holder renews its own claim; the other cannot take it while it holds.
      expect(await store.outbox.claim('c1', winner, later, now)).toBe(true);
      expect(await store.outbox.claim('c1', loser, later, until)).toBe(false);
      // Lapsed (the holder died): the other takes it over, and the old holder no longer holds it.
      expect(await store.outbox.claim('c1', loser, '2030-01-01T00:03:00.000Z', later)).toBe(true);
      expect(await store.outbox.claim('c1', winner, '2030-01-01T00:04:00.000Z', later)).toBe(false);
      expect((await store.outbox.pending('slack:'))[0]).toMatchObject({ owner: loser });
      await store.outbox.remove('c1');
      expect(await store.outbox.claim('c1', winner, later, now)).toBe(false);
    });

    it('stores an item already claimed, renews and releases one owner claims per queue prefix', async () => {
      await store.outbox.enqueue({
        id: 'a1',
        queue: 'slack:A',
        payload: {},
        due_at: past,
        owner: 'bot-a',
        claimed_until: now,
      });
      await store.outbox.enqueue({
        id: 'a2',
        queue: 'slack:B',
        payload: {},
        due_at: past,
        owner: 'bot-a',
        claimed_until: now,
      });
      await store.outbox.enqueue({
        id: 't1',
        queue: 'teams:A',
        payload: {},
        due_at: past,
        owner: 'bot-a',
        claimed_until: now,
      });
      await store.outbox.enqueue({
        id: 'b1',
        queue: 'slack:A',
        payload: {},
        due_at: past,
        owner: 'bot-b',
        claimed_until: now,
      });
      const u1 = await store.outbox.enqueue({ id: 'u1', queue: 'slack:A', payload: {}, due_at: past });
      expect(u1).toMatchObject({ owner: null, claimed_until: null });
      expect(await store.outbox.claim('a1', 'bot-b', later, past)).toBe(false);

      expect(await store.outbox.renew('slack:', 'bot-a', later)).toBe(2);
      const byId = async () => new Map((await store.outbox.pending('')).map((i) => [i.id, i]));
      let items = await byId();
      expect(items.get('a1')).toMatchObject({ owner: 'bot-a', claimed_until: later });
      expect(items.get('a2')).toMatchObject({ owner: 'bot-a', claimed_until: later });
      expect(items.get('t1')).toMatchObject({ owner: 'bot-a', claimed_until: now });
      expect(items.get('b1')).toMatchObject({ owner: 'bot-b', claimed_until: now });
      expect(await store.outbox.claim('a1', 'bot-b', later, now)).toBe(false);

      await store.outbox.release('slack:', 'bot-a');
      items = await byId();
      expect(items.get('a1')).toMatchObject({ owner: null, claimed_until: null });
      expect(items.get('t1')).toMatchObject({ owner: 'bot-a' });
      expect(items.get('b1')).toMatchObject({ owner: 'bot-b' });
      // Released: anyone may take it at once, even before the old claim's time.
      expect(await store.outbox.claim('a1', 'bot-b', later, past)).toBe(true);
      expect(await store.outbox.claim('u1', 'bot-b', later, past)).toBe(true);
    });
  });
}
