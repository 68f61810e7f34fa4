import { beforeEach, describe, expect, it } from 'vitest';
import type { Execution } from '../../../engine/model/execution.js';
import type { Store } from '../../../engine/store/store.js';
import { makeAction, makeExecution } from '../../support/store-fixtures.js';
import { expectCode, minutesFromNow } from './store-contract-helpers.js';

/** ExecutionRepo: create, list and filter, compare-and-set updates, heartbeats. */
export function executionRepoContract(current: () => Store): void {
  describe('executions', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it('creates an execution with defaults and reads it back', async () => {
      const input = makeExecution({ parameters: { cmd: 'uptime', n: 3, nested: { ok: true, list: [1, null] } } });
      const created = await store.executions.create(input);
      expect(created).toMatchObject({ id: input.id, status: 'requested', log: [], children: [], attempts: 0 });
      expect(Date.parse(created.updated_at)).not.toBeNaN();
      expect(await store.executions.get(input.id)).toEqual(created);
      expect(await store.executions.get('0123456789abcdef01234567')).toBeUndefined();
    });

    it('refuses a second execution with the same id', async () => {
      const e = makeExecution();
      await store.executions.create(e);
      await expectCode(store.executions.create({ ...e }), 'SQ_CONFLICT');
    });

    it('lists newest first by default, oldest first on request, with totals before paging', async () => {
      const made: Execution[] = [];
      for (let i = 0; i < 5; i++) made.push(await store.executions.create(makeExecution()));
      const ids = made.map((e) => e.id);
      const all = await store.executions.list({});
      expect(all.items.map((e) => e.id)).toEqual([...ids].reverse());
      expect(all.total).toBe(5);
      const asc = await store.executions.list({ order: 'asc', limit: 2, offset: 1 });
      expect(asc.items.map((e) => e.id)).toEqual(ids.slice(1, 3));
      expect(asc.total).toBe(5);
      expect(await store.executions.list({ limit: 0 })).toEqual({ items: [], total: 5 });
      const tail = await store.executions.list({ offset: 4 });
      expect(tail.items.map((e) => e.id)).toEqual([ids[0]]);
    });

    it('filters by action, status, user and parent', async () => {
      const other = makeAction({ pack: 'linux', name: 'ls' });
      const a = await store.executions.create(makeExecution());
      const b = await store.executions.create(makeExecution({ action: other, context: { user: 'bob' } }));
      const c = await store.executions.create(makeExecution({ status: 'running', parent: a.id }));
      const d = await store.executions.create(makeExecution({ status: 'failed', action: other }));
      const ids = async (f: Parameters<Store['executions']['list']>[0]) =>
        (await store.executions.list({ ...f, order: 'asc' })).items.map((e) => e.id);
      expect(await ids({ action: 'linux.ls' })).toEqual([b.id, d.id]);
      expect(await ids({ status: 'running' })).toEqual([c.id]);
      expect(await ids({ status: ['running', 'failed'] })).toEqual([c.id, d.id]);
      expect(await ids({ status: [] })).toEqual([]);
      expect(await ids({ user: 'bob' })).toEqual([b.id]);
      expect(await ids({ parent: a.id })).toEqual([c.id]);
      expect(await ids({ parent: null })).toEqual([a.id, b.id, d.id]);
      expect(await ids({ action: 'linux.ls', status: 'requested', user: 'bob' })).toEqual([b.id]);
      const page = await store.executions.list({ action: 'linux.ls', limit: 1 });
      expect(page).toMatchObject({ total: 2, items: [{ id: d.id }] });
    });

    it('filters by start time, after and before', async () => {
      const at = (m: number) => makeExecution({ start_timestamp: minutesFromNow(m) });
      const old = await store.executions.create(at(-30));
      const mid = await store.executions.create(at(-10));
      const recent = await store.executions.create(at(-1));
      const ids = async (f: Parameters<Store['executions']['list']>[0]) =>
        (await store.executions.list({ ...f, order: 'asc' })).items.map((e) => e.id);
      expect(await ids({ startedAfter: minutesFromNow(-20) })).toEqual([mid.id, recent.id]);
      expect(await ids({ startedBefore: minutesFromNow(-5) })).toEqual([old.id, mid.id]);
      expect(await ids({ startedAfter: minutesFromNow(-20), startedBefore: minutesFromNow(-5) })).toEqual([mid.id]);
      expect(await ids({ startedAfter: minutesFromNow(0) })).toEqual([]);
    });

    it('filters by last update and by stale or missing heartbeat', async () => {
      const quiet = await store.executions.create(makeExecution({ status: 'running' }));
      const beating = await store.executions.create(makeExecution({ status: 'running' }));
      const stale = await store.executions.create(makeExecution({ status: 'running' }));
      await store.executions.heartbeat(beating.id, minutesFromNow(0));
      await store.executions.heartbeat(stale.id, minutesFromNow(-10));
      const ids = async (f: Parameters<Store['executions']['list']>[0]) =>
        (await store.executions.list({ ...f, order: 'asc' })).items.map((e) => e.id);
      expect(await ids({ heartbeatBefore: minutesFromNow(-1) })).toEqual([quiet.id, stale.id]);
      expect(await ids({ updatedBefore: minutesFromNow(1) })).toEqual([quiet.id, beating.id, stale.id]);
      expect(await ids({ updatedBefore: minutesFromNow(-60) })).toEqual([]);
      expect(await ids({ updatedAfter: minutesFromNow(-60) })).toEqual([quiet.id, beating.id, stale.id]);
      expect(await ids({ updatedAfter: minutesFromNow(1) })).toEqual([]);
      expect(await ids({ updatedAfter: minutesFromNow(-60), updatedBefore: minutesFromNow(1) })).toHaveLength(3);
    });

    it('applies a patch only while the status is the expected one', async () => {
      const e = await store.executions.create(makeExecution());
      const scheduled = await store.executions.update(
        e.id,
        { expect: { status: 'requested' } },
        { status: 'scheduled', appendLog: { status: 'scheduled', timestamp: minutesFromNow(0) } },
      );
      expect(scheduled).toMatchObject({ status: 'scheduled', log: [{ status: 'scheduled' }] });
      expect(scheduled!.updated_at >= e.updated_at).toBe(true);
      const stale = await store.executions.update(e.id, { expect: { status: 'requested' } }, { status: 'canceled' });
      expect(stale).toBeUndefined();
      expect((await store.executions.get(e.id))?.status).toBe('scheduled');
      expect(
        await store.executions.update('0123456789abcdef01234567', { expect: { status: 'requested' } }, {}),
      ).toBeUndefined();
    });

    it('accepts a list of expected statuses', async () => {
      const e = await store.executions.create(makeExecution({ status: 'scheduled' }));
      const r = await store.executions.update(
        e.id,
        { expect: { status: ['requested', 'scheduled', 'running'] } },
        { status: 'canceled' },
      );
      expect(r?.status).toBe('canceled');
      expect(await store.executions.update(e.id, { expect: { status: ['requested', 'running'] } }, {})).toBeUndefined();
    });

    it('lets exactly one of two racing updates win', async () => {
      const e = await store.executions.create(makeExecution({ status: 'scheduled' }));
      const results = await Promise.all([
        store.executions.update(e.id, { expect: { status: 'scheduled' } }, { status: 'running', worker: 'w1' }),
        store.executions.update(e.id, { expect: { status: 'scheduled' } }, { status: 'running', worker: 'w2' }),
      ]);
      const winners = results.filter((r) => r !== undefined);
      expect(winners).toHaveLength(1);
      expect((await store.executions.get(e.id))?.worker).toBe(winners[0]?.worker);
    });

    it('lets exactly one of many racing updates win', async () => {
      const e = await store.executions.create(makeExecution({ status: 'scheduled' }));
      const results = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          store.executions.update(
            e.id,
            { expect: { status: 'scheduled' } },
            { status: 'running', worker: `w${i}`, appendLog: { status: 'running', timestamp: minutesFromNow(0) } },
          ),
        ),
      );
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
      expect((await store.executions.get(e.id))?.log).toHaveLength(1);
    });

    it('appends to the log, replaces result and context, and updates what filters see', async () => {
      const e = await store.executions.create(
        makeExecution({ log: [{ status: 'requested', timestamp: '2030-01-01T00:00:00.000Z' }] }),
      );
      await store.executions.update(
        e.id,
        { expect: { status: 'requested' } },
        { status: 'running', result: { a: 1, b: { c: 2 } }, attempts: 2, heartbeat_at: minutesFromNow(0) },
      );
      const done = await store.executions.update(
        e.id,
        { expect: { status: 'running' } },
        {
          status: 'succeeded',
          result: { b: { d: 3 } },
          end_timestamp: '2030-01-01T00:01:00.000Z',
          context: { user: 'carol', api_user: 'U1' },
          children: ['c1', 'c2'],
          appendLog: { status: 'succeeded', timestamp: '2030-01-01T00:01:00.000Z' },
        },
      );
      expect(done).toMatchObject({
        status: 'succeeded',
        result: { b: { d: 3 } },
        attempts: 2,
        end_timestamp: '2030-01-01T00:01:00.000Z',
        context: { user: 'carol', api_user: 'U1' },
        children: ['c1', 'c2'],
        parameters: e.parameters,
      });
      expect(done?.result).toEqual({ b: { d: 3 } });
      expect(done?.log.map((l) => l.status)).toEqual(['requested', 'succeeded']);
      expect(await store.executions.get(e.id)).toEqual(done);
      expect((await store.executions.list({ user: 'carol' })).total).toBe(1);
      expect((await store.executions.list({ status: 'succeeded' })).total).toBe(1);
    });

    it('keeps the process group a runner recorded, for the sweeper after a crash', async () => {
      const e = await store.executions.create(makeExecution({ status: 'running' }));
      const mark = { pgid: 4242, host: 'web1', boot_id: 'b-1', start_ticks: 12345 };
      const updated = await store.executions.update(e.id, { expect: { status: 'running' } }, { process_group: mark });
      expect(updated?.process_group).toEqual(mark);
      expect((await store.executions.get(e.id))?.process_group).toEqual(mark);
      const listed = await store.executions.list({ status: 'running' });
      expect(listed.items.find((x) => x.id === e.id)?.process_group).toEqual(mark);
    });

    it('records a heartbeat only while running', async () => {
      const e = await store.executions.create(makeExecution({ status: 'scheduled' }));
      const at = minutesFromNow(0);
      expect(await store.executions.heartbeat(e.id, at)).toBe(false);
      await store.executions.update(e.id, { expect: { status: 'scheduled' } }, { status: 'running' });
      expect(await store.executions.heartbeat(e.id, at)).toBe(true);
      expect((await store.executions.get(e.id))?.heartbeat_at).toBe(at);
      await store.executions.update(e.id, { expect: { status: 'running' } }, { status: 'succeeded' });
      expect(await store.executions.heartbeat(e.id, minutesFromNow(1))).toBe(false);
      expect((await store.executions.get(e.id))?.heartbeat_at).toBe(at);
      expect(await store.executions.heartbeat('0123456789abcdef01234567', at)).toBe(false);
    });

    it('counts executions by status', async () => {
      expect(await store.executions.countByStatus()).toEqual({});
      await store.executions.create(makeExecution());
      await store.executions.create(makeExecution());
      await store.executions.create(makeExecution({ status: 'failed' }));
      expect(await store.executions.countByStatus()).toEqual({ requested: 2, failed: 1 });
    });
  });
}
