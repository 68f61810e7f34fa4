import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../engine/store/store.js';
import { makeAction, makeAlias, makePack } from '../../support/store-fixtures.js';

/** CatalogRepo: actions, packs and aliases keyed by ref. */
export function catalogRepoContract(current: () => Store): void {
  describe('catalog', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it('keeps the id of an existing ref on upsert and reads by ref or id', async () => {
      const first = await store.actions.upsert(makeAction({ name: 'local', description: 'v1' }));
      const again = await store.actions.upsert(makeAction({ name: 'local', description: 'v2' }));
      expect(again.id).toBe(first.id);
      expect(await store.actions.get('core.local')).toEqual({ ...again, description: 'v2' });
      expect(await store.actions.get(first.id)).toEqual(again);
      expect(await store.actions.get('core.nope')).toBeUndefined();
      expect(await store.actions.get('0123456789abcdef01234567')).toBeUndefined();
      expect((await store.actions.list()).total).toBe(1);
    });

    it('lists sorted by pack then name, filtered and paged, with totals', async () => {
      for (const [pack, name] of [
        ['linux', 'ls'],
        ['core', 'remote'],
        ['core', 'local'],
        ['chatops', 'post'],
      ] as const) {
        await store.actions.upsert(makeAction({ pack, name }));
      }
      const all = await store.actions.list();
      expect(all.items.map((a) => a.ref)).toEqual(['chatops.post', 'core.local', 'core.remote', 'linux.ls']);
      expect(all.total).toBe(4);
      const page = await store.actions.list({ limit: 2, offset: 1 });
      expect(page.items.map((a) => a.ref)).toEqual(['core.local', 'core.remote']);
      expect(page.total).toBe(4);
      const core = await store.actions.list({ pack: 'core', limit: 1 });
      expect(core.items.map((a) => a.ref)).toEqual(['core.local']);
      expect(core.total).toBe(2);
      expect((await store.actions.list({ name: 'ls' })).items.map((a) => a.ref)).toEqual(['linux.ls']);
    });

    it('deletes by ref or id and prunes what a pack no longer has', async () => {
      const a = await store.actions.upsert(makeAction({ name: 'a' }));
      await store.actions.upsert(makeAction({ name: 'b' }));
      await store.actions.upsert(makeAction({ name: 'c' }));
      await store.actions.upsert(makeAction({ name: 'd' }));
      await store.actions.upsert(makeAction({ pack: 'linux', name: 'a' }));
      expect(await store.actions.delete(a.id)).toBe(true);
      expect(await store.actions.delete(a.id)).toBe(false);
      expect(await store.actions.delete('core.b')).toBe(true);
      expect(await store.actions.delete('core.b')).toBe(false);
      expect(await store.actions.deleteMissing('core', ['core.c'])).toBe(1);
      expect((await store.actions.list()).items.map((x) => x.ref)).toEqual(['core.c', 'linux.a']);
      expect(await store.actions.deleteMissing('linux', [])).toBe(1);
      expect((await store.actions.list()).items.map((x) => x.ref)).toEqual(['core.c']);
    });

    it('stores packs and aliases the same way', async () => {
      const pack = await store.packs.upsert(makePack({ ref: 'core', keywords: ['x'] }));
      const again = await store.packs.upsert(makePack({ ref: 'core', version: '2.0.0' }));
      expect(again.id).toBe(pack.id);
      expect((await store.packs.get('core'))?.version).toBe('2.0.0');
      await store.packs.upsert(makePack({ ref: 'chatops' }));
      expect((await store.packs.list()).items.map((p) => p.ref)).toEqual(['chatops', 'core']);
      expect((await store.packs.list({ pack: 'core' })).total).toBe(1);

      const alias = await store.aliases.upsert(makeAlias({ formats: ['run {{cmd}}', { display: 'x' }] }));
      expect(await store.aliases.get(alias.id)).toEqual(alias);
      expect((await store.aliases.list({ pack: 'chatops' })).items).toEqual([alias]);
      expect(await store.aliases.deleteMissing('chatops', [])).toBe(1);
      expect(await store.aliases.get(alias.ref)).toBeUndefined();
    });
  });
}
