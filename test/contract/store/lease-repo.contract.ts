import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../engine/store/store.js';

/** LeaseRepo: one holder at a time, expiry, renewal. */
export function leaseRepoContract(current: () => Store): void {
  describe('leases', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it('lets exactly one of two racing holders take a free lease', async () => {
      const [a, b] = await Promise.all([
        store.leases.acquire('timers', 'a', 60_000),
        store.leases.acquire('timers', 'b', 60_000),
      ]);
      expect([a, b].filter(Boolean)).toHaveLength(1);
      const winner = a ? 'a' : 'b';
      expect((await store.leases.get('timers'))?.holder).toBe(winner);
      const racers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.leases.acquire('gc', `h${i}`, 60_000)),
      );
      expect(racers.filter(Boolean)).toHaveLength(1);
    });

    it('extends the lease its holder acquires again and refuses it to others while live', async () => {
      expect(await store.leases.acquire('timers', 'a', 60_000)).toBe(true);
      const first = await store.leases.get('timers');
      expect(first).toMatchObject({ name: 'timers', holder: 'a' });
      expect(Date.parse(first!.expires_at)).toBeGreaterThan(Date.now());
      expect(await store.leases.acquire('timers', 'a', 600_000)).toBe(true);
      expect((await store.leases.get('timers'))!.expires_at > first!.expires_at).toBe(true);
      expect(await store.leases.acquire('timers', 'b', 60_000)).toBe(false);
      expect((await store.leases.get('timers'))?.holder).toBe('a');
      expect(await store.leases.acquire('gc', 'b', 60_000)).toBe(true);
    });

    it('lets another holder take over an expired lease, which the old holder can no longer renew', async () => {
      expect(await store.leases.acquire('timers', 'a', 1)).toBe(true);
      await expect.poll(() => store.leases.get('timers')).toBeUndefined();
      expect(await store.leases.acquire('timers', 'b', 60_000)).toBe(true);
      expect((await store.leases.get('timers'))?.holder).toBe('b');
      expect(await store.leases.renew('timers', 'a', 60_000)).toBe(false);
      expect(await store.leases.release('timers', 'a')).toBe(false);
      expect((await store.leases.get('timers'))?.holder).toBe('b');
    });

    it('renews only for the live holder', async () => {
      expect(await store.leases.renew('timers', 'a', 60_000)).toBe(false);
      expect(await store.leases.acquire('timers', 'a', 60_000)).toBe(true);
      const before = (await store.leases.get('timers'))!.expires_at;
      expect(await store.leases.renew('timers', 'b', 600_000)).toBe(false);
      expect(await store.leases.get('timers')).toEqual({ name: 'timers', holder: 'a', expires_at: before });
      expect(await store.leases.renew('timers', 'a', 600_000)).toBe(true);
      expect((await store.leases.get('timers'))!.expires_at > before).toBe(true);
    });

    it('frees a released lease at once, and only its holder can release it', async () => {
      expect(await store.leases.acquire('timers', 'a', 60_000)).toBe(true);
      expect(await store.leases.release('timers', 'b')).toBe(false);
      expect(await store.leases.acquire('timers', 'b', 60_000)).toBe(false);
      expect(await store.leases.release('timers', 'a')).toBe(true);
      expect(await store.leases.get('timers')).toBeUndefined();
      expect(await store.leases.release('timers', 'a')).toBe(false);
      expect(await store.leases.acquire('timers', 'b', 60_000)).toBe(true);
    });
  });
}
