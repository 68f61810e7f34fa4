import { beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../../engine/ids.js';
import type { Policy } from '../../../engine/model/policy.js';
import type { Store } from '../../../engine/store/store.js';

function policy(over: Partial<Policy> & { pack?: string; name?: string } = {}): Policy {
  const pack = over.pack ?? 'ops';
  const name = over.name ?? 'deploy.concurrency';
  return {
    id: newId(),
    uid: `policy:${pack}:${name}`,
    ref: `${pack}.${name}`,
    pack,
    name,
    description: 'one deploy at a time',
    enabled: true,
    resource_ref: 'ops.deploy',
    policy_type: 'action.concurrency',
    parameters: { threshold: 1, action: 'delay' },
    ...over,
  };
}

/** Policies: a catalog keyed by ref, like actions. */
export function policyRepoContract(current: () => Store): void {
  describe('policies', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it('stores, lists by pack, keeps the id on upsert, prunes and deletes', async () => {
      const a = await store.policies.upsert(policy());
      const again = await store.policies.upsert(policy({ parameters: { threshold: 2, action: 'cancel' } }));
      expect(again.id).toBe(a.id);
      expect(await store.policies.get('ops.deploy.concurrency')).toMatchObject({
        parameters: { threshold: 2, action: 'cancel' },
      });
      await store.policies.upsert(policy({ name: 'deploy.retry', policy_type: 'action.retry', parameters: {} }));
      await store.policies.upsert(policy({ pack: 'web', name: 'x' }));
      expect((await store.policies.list({ pack: 'ops' })).items.map((p) => p.name)).toEqual([
        'deploy.concurrency',
        'deploy.retry',
      ]);
      expect(await store.policies.deleteMissing('ops', ['ops.deploy.retry'])).toBe(1);
      expect(await store.policies.delete('web.x')).toBe(true);
      expect((await store.policies.list()).items.map((p) => p.ref)).toEqual(['ops.deploy.retry']);
    });
  });
}
