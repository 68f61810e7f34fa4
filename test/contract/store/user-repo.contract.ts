import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../engine/store/store.js';
import { makeUser } from '../../support/store-fixtures.js';
import { expectCode } from './store-contract-helpers.js';

/** UserRepo: users and their chat nicknames. */
export function userRepoContract(current: () => Store): void {
  describe('users', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it('creates, reads, lists and updates users, and finds them by chat nickname', async () => {
      const alice = await store.users.create(makeUser({ nicknames: { slack: 'U1', discord: '42' } }));
      await store.users.create(makeUser({ name: 'bob', nicknames: { slack: 'U2' } }));
      await expectCode(store.users.create(makeUser()), 'SQ_CONFLICT');
      expect(await store.users.get('alice')).toEqual(alice);
      expect(await store.users.get('nobody')).toBeUndefined();
      expect((await store.users.list()).map((u) => u.name)).toEqual(['alice', 'bob']);
      expect((await store.users.findByNickname('slack', 'U2'))?.name).toBe('bob');
      expect((await store.users.findByNickname('discord', '42'))?.name).toBe('alice');
      expect(await store.users.findByNickname('discord', 'U1')).toBeUndefined();
      expect(await store.users.findByNickname('teams', 'U1')).toBeUndefined();

      const updated = await store.users.update('alice', { roles: ['admin'], nicknames: { teams: 'T1' } });
      expect(updated).toEqual({ ...alice, roles: ['admin'], nicknames: { teams: 'T1' } });
      expect(await store.users.get('alice')).toEqual(updated);
      expect((await store.users.findByNickname('teams', 'T1'))?.name).toBe('alice');
      expect(await store.users.findByNickname('slack', 'U1')).toBeUndefined();
      expect(await store.users.update('nobody', { enabled: false })).toBeUndefined();
    });
  });
}
