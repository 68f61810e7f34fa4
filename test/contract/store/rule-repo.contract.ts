import { beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../../engine/ids.js';
import type { Rule } from '../../../engine/model/rule.js';
import type { PackTriggerType } from '../../../engine/model/trigger.js';
import type { Store } from '../../../engine/store/store.js';

function rule(pack: string, name: string, over: Partial<Rule> = {}): Rule {
  return {
    id: newId(),
    uid: `rule:${pack}:${name}`,
    ref: `${pack}.${name}`,
    pack,
    name,
    description: '',
    enabled: true,
    type: { ref: 'standard', parameters: {} },
    trigger: { type: 'core.st2.webhook', parameters: { url: name } },
    criteria: { 'trigger.body.a': { type: 'equals', pattern: 1 } },
    action: { ref: 'core.local', parameters: { cmd: 'echo {{ trigger.body.a }}' } },
    context: { user: 'admin' },
    ...over,
  };
}

function triggerType(pack: string, name: string): PackTriggerType {
  return {
    id: newId(),
    ref: `${pack}.${name}`,
    uid: `trigger_type:${pack}:${name}`,
    pack,
    name,
    description: 'd',
    parameters_schema: {},
    payload_schema: { type: 'object', properties: { host: { type: 'string' } } },
  };
}

/** The rules and trigger type catalogs (CatalogRepo): stored as given, keyed by ref, pruned per pack. */
export function ruleRepoContract(current: () => Store): void {
  describe('rules and trigger types', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it('stores a rule as given, keeps its id on upsert and reads by ref or id', async () => {
      const first = await store.rules.upsert(rule('ops', 'a'));
      expect(await store.rules.get('ops.a')).toEqual(first);
      const again = await store.rules.upsert(rule('ops', 'a', { enabled: false, criteria: {} }));
      expect(again.id).toBe(first.id);
      expect(await store.rules.get(first.id)).toEqual({ ...again, id: first.id });
      expect((await store.rules.get('ops.a'))?.enabled).toBe(false);
      expect(await store.rules.get('ops.b')).toBeUndefined();
    });

    it('lists rules by pack and name, deletes and prunes a pack', async () => {
      for (const [p, n] of [
        ['web', 'z'],
        ['ops', 'b'],
        ['ops', 'a'],
      ] as const)
        await store.rules.upsert(rule(p, n));
      expect((await store.rules.list()).items.map((r) => r.ref)).toEqual(['ops.a', 'ops.b', 'web.z']);
      expect((await store.rules.list({ pack: 'ops', limit: 1 })).items.map((r) => r.ref)).toEqual(['ops.a']);
      expect((await store.rules.list({ pack: 'ops' })).total).toBe(2);
      expect(await store.rules.deleteMissing('ops', ['ops.b'])).toBe(1);
      expect(await store.rules.delete('web.z')).toBe(true);
      expect((await store.rules.list()).items.map((r) => r.ref)).toEqual(['ops.b']);
    });

    it('keeps trigger types apart from rules', async () => {
      const t = await store.triggerTypes.upsert(triggerType('ops', 'disk_full'));
      expect(await store.triggerTypes.get('ops.disk_full')).toEqual(t);
      expect(await store.rules.get('ops.disk_full')).toBeUndefined();
      expect((await store.triggerTypes.list({ pack: 'ops' })).items).toEqual([t]);
      expect(await store.triggerTypes.deleteMissing('ops', [])).toBe(1);
    });
  });
}
