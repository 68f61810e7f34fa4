import { beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../../engine/ids.js';
import type { Store } from '../../../engine/store/store.js';
import { makeExecution } from '../../support/store-fixtures.js';
import { minutesFromNow } from './store-contract-helpers.js';

/**
 * The garbage collector's purges (executions with their output and workflow state, output alone,
 * trigger instances, rule enforcements, inquiries): only what is old enough, never anything under way, counted
 * the same by a dry run, and in batches of `limit`.
 */
export function purgeContract(current: () => Store): void {
  describe('purges (garbage collection)', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });
    const later = () => minutesFromNow(1);

    it('deletes terminal executions with their output and workflow state, never one under way', async () => {
      const done = await store.executions.create(makeExecution({ status: 'succeeded' }));
      const failed = await store.executions.create(makeExecution({ status: 'failed' }));
      const running = await store.executions.create(makeExecution({ status: 'running' }));
      const waiting = await store.executions.create(makeExecution({ status: 'delayed' }));
      await store.output.append([
        { execution_id: done.id, stream: 'stdout', data: 'old\n' },
        { execution_id: running.id, stream: 'stdout', data: 'live\n' },
      ]);
      await store.workflows.create({ id: done.id, definition: {}, state: {}, active: false, pending: [], applied: [] });

      expect(await store.executions.purge({ before: minutesFromNow(-1) })).toBe(0);
      expect(await store.executions.purge({ before: later(), dryRun: true })).toBe(2);
      expect(await store.executions.get(done.id)).toBeDefined();

      expect(await store.executions.purge({ before: later(), limit: 1 })).toBe(1);
      expect(await store.executions.purge({ before: later() })).toBe(1);
      expect(await store.executions.get(done.id)).toBeUndefined();
      expect(await store.executions.get(failed.id)).toBeUndefined();
      expect(await store.output.list(done.id)).toEqual([]);
      expect(await store.workflows.get(done.id)).toBeUndefined();
      expect((await store.executions.get(running.id))?.status).toBe('running');
      expect((await store.executions.get(waiting.id))?.status).toBe('delayed');
      expect(await store.output.list(running.id)).toHaveLength(1);
    });

    it('keeps the finished children of a workflow still running, and a finished parent of a running child', async () => {
      const parent = await store.executions.create(makeExecution({ status: 'running' }));
      const child = await store.executions.create(makeExecution({ status: 'succeeded', parent: parent.id }));
      const doneParent = await store.executions.create(makeExecution({ status: 'failed' }));
      const liveChild = await store.executions.create(makeExecution({ status: 'running', parent: doneParent.id }));
      expect(await store.executions.purge({ before: later(), dryRun: true })).toBe(0);
      expect(await store.executions.purge({ before: later() })).toBe(0);
      for (const e of [parent, child, doneParent, liveChild]) expect(await store.executions.get(e.id)).toBeDefined();
    });

    it('purges output of finished (or deleted) executions only', async () => {
      const done = await store.executions.create(makeExecution({ status: 'succeeded' }));
      const running = await store.executions.create(makeExecution({ status: 'running' }));
      await store.output.append([
        { execution_id: done.id, stream: 'stdout', data: 'a' },
        { execution_id: done.id, stream: 'stderr', data: 'b' },
        { execution_id: running.id, stream: 'stdout', data: 'c' },
        { execution_id: newId(), stream: 'stdout', data: 'orphan' },
      ]);
      expect(await store.output.purge({ before: minutesFromNow(-1) })).toBe(0);
      expect(await store.output.purge({ before: later(), dryRun: true })).toBe(3);
      expect(await store.output.purge({ before: later() })).toBe(3);
      expect(await store.output.list(done.id)).toEqual([]);
      expect(await store.output.list(running.id)).toHaveLength(1);
      expect(await store.executions.get(done.id)).toBeDefined();
    });

    it('purges handled trigger instances and old enforcements', async () => {
      const at = '2026-01-01T10:00:00.000Z';
      const base = { trigger: 'core.st2.webhook', parameters: {}, payload: {}, occurrence_time: at, updated_at: at };
      for (const status of ['pending', 'processing', 'processed', 'processing_failed'] as const) {
        const id = newId();
        await store.triggerInstances.create({ ...base, id, status, trace_tag: id });
      }
      expect(await store.triggerInstances.purge({ before: at })).toBe(0);
      expect(await store.triggerInstances.purge({ before: later(), dryRun: true })).toBe(2);
      expect(await store.triggerInstances.purge({ before: later() })).toBe(2);
      const left = await store.triggerInstances.list({});
      expect(left.items.map((t) => t.status).sort()).toEqual(['pending', 'processing']);

      const rule = { id: newId(), ref: 'ops.a', uid: 'rule:ops:a' };
      for (const enforced_at of ['2026-01-01T10:00:00.000Z', '2026-01-02T10:00:00.000Z']) {
        await store.ruleEnforcements.create({
          id: newId(),
          rule,
          trigger_instance_id: newId(),
          status: 'succeeded',
          enforced_at,
          trace_tag: 't',
        });
      }
      expect(await store.ruleEnforcements.purge({ before: '2026-01-02T00:00:00.000Z', dryRun: true })).toBe(1);
      expect(await store.ruleEnforcements.purge({ before: '2026-01-02T00:00:00.000Z' })).toBe(1);
      expect((await store.ruleEnforcements.list({})).total).toBe(1);
    });

    it('purges inquiries that were answered, timed out or canceled, never a pending one', async () => {
      const base = {
        parent: 'wf1',
        schema: {},
        roles: [],
        users: [],
        route: 'ops',
        ttl: 60,
        requester: 'bob',
        created_at: '2026-01-01T00:00:00.000Z',
      };
      for (const status of ['pending', 'responded', 'timeout', 'canceled'] as const) {
        await store.inquiries.create({ ...base, id: `inq-${status}`, status });
      }
      expect(await store.inquiries.purge({ before: '2026-01-01T00:00:00.000Z' })).toBe(0);
      expect(await store.inquiries.purge({ before: later(), dryRun: true })).toBe(3);
      expect(await store.inquiries.purge({ before: later() })).toBe(3);
      expect((await store.inquiries.get('inq-pending'))?.status).toBe('pending');
      expect(await store.inquiries.get('inq-responded')).toBeUndefined();
    });
  });
}
