import { beforeEach, describe, expect, it } from 'vitest';
import type { KeyValueInput } from '../../../engine/model/key-value.js';
import type { Store } from '../../../engine/store/store.js';

const system = (name: string, value: string, extra: Partial<KeyValueInput> = {}): KeyValueInput => ({
  scope: 'st2kv.system',
  name,
  value,
  secret: false,
  ...extra,
});
const userItem = (user: string, name: string, value: string): KeyValueInput => ({
  scope: 'st2kv.user',
  user,
  name,
  value,
  secret: false,
});
const page = { limit: 100, offset: 0 };

/** KvRepo: StackStorm's datastore items by scope, owner and name, with expiry. */
export function kvRepoContract(current: () => Store): void {
  describe('kv (datastore)', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it('creates, reads, replaces (keeping id and created_at) and deletes an item', async () => {
      const first = await store.kv.put(system('region', 'eu-west-1', { description: 'where we run' }));
      expect(first.previous).toBeUndefined();
      expect(first.current).toMatchObject({ scope: 'st2kv.system', name: 'region', value: 'eu-west-1', secret: false });
      expect(first.current.id).toMatch(/^[0-9a-f]{24}$/);
      expect(first.current.user).toBeUndefined();
      expect(await store.kv.get({ scope: 'st2kv.system', name: 'region' })).toEqual(first.current);

      const second = await store.kv.put(system('region', 'us-east-1'));
      expect(second.previous).toEqual(first.current);
      expect(second.current).toMatchObject({ id: first.current.id, created_at: first.current.created_at });
      expect(second.current.value).toBe('us-east-1');
      expect(second.current.description).toBeUndefined();

      expect(await store.kv.delete({ scope: 'st2kv.system', name: 'region' })).toEqual(second.current);
      expect(await store.kv.get({ scope: 'st2kv.system', name: 'region' })).toBeUndefined();
      expect(await store.kv.delete({ scope: 'st2kv.system', name: 'region' })).toBeUndefined();
    });

    it('keeps each user scope apart from the other users and from system scope', async () => {
      await store.kv.put(system('token', 'sys'));
      await store.kv.put(userItem('alice', 'token', 'a'));
      await store.kv.put(userItem('bob', 'token', 'b'));
      expect((await store.kv.get({ scope: 'st2kv.user', user: 'alice', name: 'token' }))?.value).toBe('a');
      expect((await store.kv.get({ scope: 'st2kv.user', user: 'alice', name: 'token' }))?.user).toBe('alice');
      expect((await store.kv.get({ scope: 'st2kv.user', user: 'bob', name: 'token' }))?.value).toBe('b');
      expect((await store.kv.get({ scope: 'st2kv.user', user: 'carol', name: 'token' }))?.value).toBeUndefined();
      expect((await store.kv.get({ scope: 'st2kv.system', name: 'token' }))?.value).toBe('sys');

      const alice = await store.kv.list({ ...page, scope: 'st2kv.user', user: 'alice' });
      expect(alice.items.map((i) => [i.user, i.value])).toEqual([['alice', 'a']]);
      const aliceAll = await store.kv.list({ ...page, user: 'alice' });
      expect(aliceAll.items.map((i) => i.value)).toEqual(['sys', 'a']);
      const everything = await store.kv.list(page);
      expect(everything.total).toBe(3);
      expect(await store.kv.delete({ scope: 'st2kv.user', user: 'bob', name: 'token' })).toBeDefined();
      expect((await store.kv.get({ scope: 'st2kv.user', user: 'alice', name: 'token' }))?.value).toBe('a');
    });

    it('lists by prefix, in name order, with paging and a total', async () => {
      for (const n of ['app.b', 'app.a', 'apple', 'other', 'app.c', 'ap%p', 'ap_x']) await store.kv.put(system(n, n));
      const app = await store.kv.list({ ...page, prefix: 'app.' });
      expect(app.items.map((i) => i.name)).toEqual(['app.a', 'app.b', 'app.c']);
      expect(app.total).toBe(3);
      const second = await store.kv.list({ prefix: 'app.', limit: 1, offset: 1 });
      expect(second).toMatchObject({ total: 3, items: [{ name: 'app.b' }] });
      // Wildcard characters of SQL LIKE and regular expressions are plain text in a prefix.
      expect((await store.kv.list({ ...page, prefix: 'ap%' })).items.map((i) => i.name)).toEqual(['ap%p']);
      expect((await store.kv.list({ ...page, prefix: 'ap.' })).items).toEqual([]);
      expect((await store.kv.list({ ...page, prefix: 'ap_' })).items.map((i) => i.name)).toEqual(['ap_x']);
    });

    it('hides expired items, starts them afresh on write, and purges them', async () => {
      const past = new Date(Date.now() - 1000).toISOString();
      const future = new Date(Date.now() + 3_600_000).toISOString();
      const gone = await store.kv.put(system('old', 'x', { expire_timestamp: past }));
      await store.kv.put(system('fresh', 'y', { expire_timestamp: future }));
      expect(await store.kv.get({ scope: 'st2kv.system', name: 'old' })).toBeUndefined();
      expect((await store.kv.get({ scope: 'st2kv.system', name: 'fresh' }))?.expire_timestamp).toBe(future);
      expect((await store.kv.list(page)).items.map((i) => i.name)).toEqual(['fresh']);

      const again = await store.kv.put(system('old', 'z'));
      expect(again.previous).toBeUndefined();
      expect(again.current.id).not.toBe(gone.current.id);
      expect(again.current.expire_timestamp).toBeUndefined();

      await store.kv.put(system('old2', 'x', { expire_timestamp: past }));
      expect(await store.kv.delete({ scope: 'st2kv.system', name: 'old2' })).toBeUndefined();
      await store.kv.put(system('old3', 'x', { expire_timestamp: past }));
      expect(await store.kv.purgeExpired()).toBe(1);
      expect((await store.kv.list(page)).items.map((i) => i.name)).toEqual(['fresh', 'old']);
      expect(await store.kv.purgeExpired(new Date(Date.now() + 7_200_000))).toBe(1);
      expect((await store.kv.list(page)).items.map((i) => i.name)).toEqual(['old']);
    });

    it('gives one of two racing writers of a new item "created" and the other its result as previous', async () => {
      const [a, b] = await Promise.all([store.kv.put(system('race', 'a')), store.kv.put(system('race', 'b'))]);
      const created = [a, b].filter((r) => r.previous === undefined);
      expect(created).toHaveLength(1);
      const other = created[0] === a ? b : a;
      expect(other.previous?.value).toBe(created[0]?.current.value);
      expect(other.current.id).toBe(created[0]?.current.id);
    });
  });
}
