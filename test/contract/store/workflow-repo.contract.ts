import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../engine/store/store.js';

/** WorkflowRepo: workflow state with a revision compare-and-set. */
export function workflowRepoContract(current: () => Store): void {
  describe('workflows', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    const first = {
      definition: { version: '1.0', tasks: { a: { action: 'core.noop' } } },
      state: { status: 'running', tasks: [] },
      active: true,
      pending: [{ id: 'c1', task: 'a' }],
      applied: [],
    };

    it('creates once, then writes only at the revision read', async () => {
      expect(await store.workflows.create({ id: 'wf1', ...first })).toBe(true);
      expect(await store.workflows.create({ id: 'wf1', ...first, state: { status: 'other' } })).toBe(false);
      const got = await store.workflows.get('wf1');
      expect(got).toMatchObject({ ...first, id: 'wf1', rev: 1 });
      expect(await store.workflows.get('nope')).toBeUndefined();

      const next = { state: { status: 'succeeded' }, active: false, pending: [], applied: ['c1'] };
      const written = await store.workflows.update('wf1', 1, next);
      expect(written).toMatchObject({ id: 'wf1', rev: 2, definition: first.definition, ...next });
      // A second writer that read rev 1 loses and changes nothing.
      expect(await store.workflows.update('wf1', 1, { ...next, applied: ['other'] })).toBeUndefined();
      expect((await store.workflows.get('wf1'))?.applied).toEqual(['c1']);
      expect(await store.workflows.update('nope', 1, next)).toBeUndefined();
    });

    it('lists the active workflows only', async () => {
      await store.workflows.create({ id: 'wa', ...first });
      await store.workflows.create({ id: 'wb', ...first });
      await store.workflows.create({ ...first, id: 'wc', active: false });
      await store.workflows.update('wa', 1, { ...first, active: false });
      expect(await store.workflows.listActive(10)).toEqual(['wb']);
    });
  });
}
