import { beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../../engine/ids.js';
import type { RuleEnforcement } from '../../../engine/model/rule.js';
import type { Store } from '../../../engine/store/store.js';
import { expectCode } from './store-contract-helpers.js';

const RULE_A = { id: newId(), ref: 'ops.a', uid: 'rule:ops:a' };
const RULE_B = { id: newId(), ref: 'ops.b', uid: 'rule:ops:b' };

function enforcement(over: Partial<RuleEnforcement> = {}): RuleEnforcement {
  return {
    id: newId(),
    rule: RULE_A,
    trigger_instance_id: newId(),
    execution_id: newId(),
    status: 'succeeded',
    enforced_at: '2026-01-01T10:00:00.000Z',
    trace_tag: 'tag-1',
    ...over,
  };
}

/** RuleEnforcementRepo: stored once per id, listed with StackStorm's filters, newest first. */
export function ruleEnforcementRepoContract(current: () => Store): void {
  describe('rule enforcements', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it('stores an enforcement as given, once per id', async () => {
      const ok = enforcement();
      const { execution_id: _none, ...failedBase } = enforcement();
      const failed: RuleEnforcement = {
        ...failedBase,
        status: 'failed',
        failure_reason: 'Failed to render parameter "cmd": undefined value',
      };
      expect(await store.ruleEnforcements.create(ok)).toEqual(ok);
      await store.ruleEnforcements.create(failed);
      expect(await store.ruleEnforcements.get(ok.id)).toEqual(ok);
      expect(await store.ruleEnforcements.get(failed.id)).toEqual(failed);
      expect(await store.ruleEnforcements.get(newId())).toBeUndefined();
      await expectCode(store.ruleEnforcements.create({ ...ok, status: 'failed' }), 'SQ_CONFLICT');
      expect((await store.ruleEnforcements.get(ok.id))?.status).toBe('succeeded');
    });

    it('filters by rule ref and id, execution, trigger instance and time, newest first, paged', async () => {
      const a = enforcement({ enforced_at: '2026-01-01T10:00:01.000Z' });
      const b = enforcement({ enforced_at: '2026-01-01T10:00:02.000Z', rule: RULE_B });
      const c = enforcement({ enforced_at: '2026-01-01T10:00:03.000Z', trigger_instance_id: a.trigger_instance_id });
      for (const e of [b, c, a]) await store.ruleEnforcements.create(e);
      const ids = async (f: Parameters<Store['ruleEnforcements']['list']>[0]) =>
        (await store.ruleEnforcements.list(f)).items.map((e) => e.id);
      expect(await ids({})).toEqual([c.id, b.id, a.id]);
      expect(await ids({ order: 'asc' })).toEqual([a.id, b.id, c.id]);
      expect(await ids({ ruleRef: 'ops.a' })).toEqual([c.id, a.id]);
      expect(await ids({ ruleId: RULE_B.id })).toEqual([b.id]);
      expect(await ids({ execution: b.execution_id! })).toEqual([b.id]);
      expect(await ids({ triggerInstance: a.trigger_instance_id })).toEqual([c.id, a.id]);
      expect(await ids({ enforcedAfter: a.enforced_at })).toEqual([c.id, b.id]);
      expect(await ids({ enforcedBefore: c.enforced_at, enforcedAfter: a.enforced_at })).toEqual([b.id]);
      expect(await store.ruleEnforcements.list({ limit: 1, offset: 2 })).toEqual({ items: [a], total: 3 });
      expect(await store.ruleEnforcements.list({ ruleRef: 'ops.zzz' })).toEqual({ items: [], total: 0 });
    });
  });
}
