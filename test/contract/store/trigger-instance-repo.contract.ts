import { beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../../engine/ids.js';
import type { TriggerInstance } from '../../../engine/model/trigger.js';
import type { Store } from '../../../engine/store/store.js';
import { expectCode } from './store-contract-helpers.js';

function instance(over: Partial<TriggerInstance> = {}): TriggerInstance {
  const id = newId();
  return {
    id,
    trigger: 'core.st2.webhook',
    parameters: { url: 'alerts' },
    payload: { body: { n: 1 }, headers: {} },
    occurrence_time: '2026-01-01T10:00:00.000Z',
    status: 'pending',
    trace_tag: id,
    updated_at: '2026-01-01T10:00:00.000Z',
    ...over,
  };
}

/** TriggerInstanceRepo: stored as given, filtered and paged by time, status moved by compare-and-set. */
export function triggerInstanceRepoContract(current: () => Store): void {
  describe('trigger instances', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it('stores an instance as given and refuses a second one with the same id', async () => {
      const t = instance({ payload: { nested: { list: [1, 'two', null, { x: true }] }, empty: {} } });
      expect(await store.triggerInstances.create(t)).toEqual(t);
      expect(await store.triggerInstances.get(t.id)).toEqual(t);
      expect(await store.triggerInstances.get(newId())).toBeUndefined();
      await expectCode(store.triggerInstances.create({ ...t, trigger: 'other.trigger' }), 'SQ_CONFLICT');
      expect((await store.triggerInstances.get(t.id))?.trigger).toBe('core.st2.webhook');
    });

    it('lists newest first by default, with filters by trigger, status and occurrence time, and pages', async () => {
      const a = instance({ occurrence_time: '2026-01-01T10:00:01.000Z' });
      const b = instance({
        occurrence_time: '2026-01-01T10:00:02.000Z',
        trigger: 'ops.disk_full',
        status: 'processed',
      });
      const c = instance({ occurrence_time: '2026-01-01T10:00:03.000Z', status: 'processing_failed' });
      for (const t of [b, a, c]) await store.triggerInstances.create(t);
      const ids = async (f: Parameters<Store['triggerInstances']['list']>[0]) =>
        (await store.triggerInstances.list(f)).items.map((t) => t.id);
      expect(await ids({})).toEqual([c.id, b.id, a.id]);
      expect(await ids({ order: 'asc' })).toEqual([a.id, b.id, c.id]);
      expect(await ids({ trigger: 'core.st2.webhook' })).toEqual([c.id, a.id]);
      expect(await ids({ status: 'processed' })).toEqual([b.id]);
      expect(await ids({ status: ['pending', 'processing_failed'] })).toEqual([c.id, a.id]);
      expect(await ids({ status: [] })).toEqual([]);
      expect(await ids({ occurredAfter: a.occurrence_time })).toEqual([c.id, b.id]);
      expect(await ids({ occurredBefore: c.occurrence_time, occurredAfter: '2026-01-01T10:00:01.500Z' })).toEqual([
        b.id,
      ]);
      expect(await ids({ traceTag: b.trace_tag })).toEqual([b.id]);
      expect(await ids({ traceTag: 'no-such-trace' })).toEqual([]);
      const page = await store.triggerInstances.list({ limit: 1, offset: 1 });
      expect(page).toEqual({ items: [b], total: 3 });
      expect(await store.triggerInstances.list({ limit: 0 })).toEqual({ items: [], total: 3 });
    });

    it('orders instances that occurred at the same moment by id, both ways, in every filter', async () => {
      const at = '2026-01-02T10:00:00.000Z';
      const [x, y, z] = [
        instance({ occurrence_time: at }),
        instance({ occurrence_time: at }),
        instance({ occurrence_time: at }),
      ];
      const tied = [x, y, z];
      const before = instance({ occurrence_time: '2026-01-02T09:59:59.999Z' });
      for (const t of [y, before, z, x]) await store.triggerInstances.create(t);
      const byId = tied.map((t) => t.id).sort();
      const ids = async (f: Parameters<Store['triggerInstances']['list']>[0]) =>
        (await store.triggerInstances.list(f)).items.map((t) => t.id);
      const window = { occurredAfter: before.occurrence_time, occurredBefore: '2026-01-02T10:00:00.001Z' };
      expect(await ids(window)).toEqual([...byId].reverse());
      expect(await ids({ ...window, order: 'asc' })).toEqual(byId);
      expect(await ids({ occurredAfter: '2026-01-02T09:00:00.000Z', order: 'asc' })).toEqual([before.id, ...byId]);
      expect(await ids({ ...window, status: 'pending', limit: 2, offset: 1 })).toEqual([byId[1], byId[0]]);
      expect(await ids({ traceTag: byId[2], order: 'asc' })).toEqual([byId[2]]);
    });

    it('moves the status only from an expected one, stamping updated_at, and finds stale ones by it', async () => {
      const t = instance();
      await store.triggerInstances.create(t);
      const claimed = await store.triggerInstances.setStatus(t.id, ['pending'], 'processing');
      expect(claimed).toMatchObject({ id: t.id, status: 'processing', payload: t.payload });
      expect(claimed!.updated_at > t.updated_at).toBe(true);
      expect(await store.triggerInstances.setStatus(t.id, ['pending'], 'processing')).toBeUndefined();
      expect(await store.triggerInstances.setStatus(newId(), ['pending'], 'processing')).toBeUndefined();
      expect(await store.triggerInstances.setStatus(t.id, [], 'processed')).toBeUndefined();
      expect(await store.triggerInstances.get(t.id)).toEqual(claimed);
      expect(
        (await store.triggerInstances.list({ status: 'processing', updatedBefore: claimed!.updated_at })).items,
      ).toEqual([]);
      const future = new Date(Date.now() + 60_000).toISOString();
      expect((await store.triggerInstances.list({ status: 'processing', updatedBefore: future })).items).toEqual([
        claimed,
      ]);
      const done = await store.triggerInstances.setStatus(t.id, ['processing', 'pending'], 'processed');
      expect(done?.status).toBe('processed');
      expect((await store.triggerInstances.get(t.id))?.status).toBe('processed');
    });

    it('lets exactly one of racing claims win', async () => {
      const t = instance();
      await store.triggerInstances.create(t);
      const wins = await Promise.all(
        Array.from({ length: 8 }, () => store.triggerInstances.setStatus(t.id, ['pending'], 'processing')),
      );
      expect(wins.filter(Boolean)).toHaveLength(1);
    });
  });
}
