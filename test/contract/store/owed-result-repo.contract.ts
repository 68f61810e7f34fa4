import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../engine/store/store.js';

/** OwedResultRepo: the ledger of chat results owed, one entry per execution. */
export function owedResultRepoContract(current: () => Store): void {
  describe('owed results', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it('lists what is owed oldest first, keeps the first entry of an execution and settles', async () => {
      expect(await store.owedResults.list()).toEqual([]);
      await store.owedResults.owe('e1', 'chat');
      await store.owedResults.owe('e2', 'slack_dm');
      await store.owedResults.owe('e1', 'other');
      const owed = await store.owedResults.list();
      expect(owed.map(({ execution_id, route }) => ({ execution_id, route }))).toEqual([
        { execution_id: 'e1', route: 'chat' },
        { execution_id: 'e2', route: 'slack_dm' },
      ]);
      expect(Date.parse(owed[0]!.created_at)).not.toBeNaN();
      await store.owedResults.settle('e1');
      await store.owedResults.settle('e1');
      await store.owedResults.settle('nope');
      expect((await store.owedResults.list()).map((o) => o.execution_id)).toEqual(['e2']);
    });

    it('is apart from the chat outboxes', async () => {
      await store.owedResults.owe('e1', 'chat');
      expect(await store.outbox.pending('')).toEqual([]);
      expect(await store.outbox.heads('', '2999-01-01T00:00:00.000Z')).toEqual([]);
    });
  });
}
