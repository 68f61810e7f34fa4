import { beforeEach, describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../../engine/store/event-repo.js';
import type { Store } from '../../../engine/store/store.js';
import { minutesFromNow } from './store-contract-helpers.js';

/** EventRepo: the stream's numbered, resumable events. */
export function eventRepoContract(current: () => Store): void {
  describe('events', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it('numbers events, reads them since an id, and remembers the last id after a purge (dry run, batches)', async () => {
      expect(await store.events.lastId()).toBe(0);
      const a = await store.events.append({ event: 'st2.execution__create', data: { id: 'e1' } });
      const b = await store.events.append({ event: 'st2.execution__update', data: { id: 'e1', n: [1] } });
      const c = await store.events.append({ event: 'st2.execution__update', data: { id: 'e2' } });
      expect(b.id).toBeGreaterThan(a.id);
      expect(c.id).toBeGreaterThan(b.id);
      expect(await store.events.lastId()).toBe(c.id);
      expect(await store.events.since(a.id)).toEqual([b, c]);
      expect(await store.events.since(0, 2)).toEqual([a, b]);
      expect(await store.events.since(c.id)).toEqual([]);
      expect(await store.events.purge({ before: minutesFromNow(-1) })).toBe(0);
      expect(await store.events.purge({ before: minutesFromNow(1), dryRun: true })).toBe(3);
      expect(await store.events.since(0)).toHaveLength(3);
      expect(await store.events.purge({ before: minutesFromNow(1), limit: 2 })).toBe(2);
      expect(await store.events.purge({ before: minutesFromNow(1) })).toBe(1);
      expect(await store.events.since(0)).toEqual([]);
      expect(await store.events.lastId()).toBe(c.id);
      const d = await store.events.append({ event: 'x', data: {} });
      expect(d.id).toBeGreaterThan(c.id);
    });

    it("gives back each execution event's data as appended, however it is stored, also after the first is purged", async () => {
      const action = { ref: 'core.noop', description: 'Does nothing.', parameters: { a: { type: 'string' } } };
      const runner = { name: 'noop', description: 'Nothing.', runner_parameters: {} };
      const log = [{ status: 'requested', timestamp: 't0' }];
      const created = { id: 'x1', action, runner, status: 'requested', log, result: {}, note: 'gone later' };
      const steps: Record<string, unknown>[] = [
        created,
        { ...created, status: 'running', log: [...log, { status: 'running', timestamp: 't1' }], note: undefined },
        {
          id: 'x1',
          action: { ...action, description: 'Changed.' },
          runner,
          status: 'succeeded',
          log: [{ status: 'rewritten', timestamp: 't9' }],
          result: { stdout: 'ok', nested: { n: [1, 2] } },
          end_timestamp: 't2',
        },
      ];
      const other = await store.events.append({ event: 'st2.execution__create', data: { id: 'x2', action, runner } });
      const appended: StreamEvent[] = [];
      for (const data of steps) {
        const plain = JSON.parse(JSON.stringify(data));
        const event = appended.length === 0 ? 'st2.execution__create' : 'st2.execution__update';
        appended.push(await store.events.append({ event, data: plain }));
        // The later events are younger than the first, so a purge can fall between them.
        if (appended.length === 1) await new Promise((r) => setTimeout(r, 5));
      }
      const [first, ...later] = appended;
      expect(await store.events.since(0)).toEqual([other, ...appended]);
      expect(await store.events.since(first!.id)).toEqual(later);
      expect(await store.events.since(later[0]!.id)).toEqual(later.slice(1));
      // A store may keep the first event for the later ones' sake, but never shows them changed.
      await store.events.purge({ before: later[0]!.timestamp });
      const kept = await store.events.since(0);
      expect(kept.map((e) => e.id)).not.toContain(other.id);
      expect(kept.filter((e) => e.id !== first!.id)).toEqual(later);
      const again = await store.events.append({ event: 'st2.execution__update', data: { id: 'x1', status: 'x' } });
      expect(await store.events.since(later.at(-1)!.id)).toEqual([again]);
    });
  });
}
