import { beforeEach, describe, expect, it } from 'vitest';
import type { ProcessInfo } from '../../../engine/store/process-repo.js';
import type { Store } from '../../../engine/store/store.js';

const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();

function proc(id: string, heartbeatMsAgo: number, over: Partial<ProcessInfo> = {}): ProcessInfo {
  return {
    id,
    hostname: 'host-a',
    pid: 100,
    roles: ['runner'],
    active: [],
    version: '1.2.3',
    state: 'running',
    started_at: at(60_000),
    heartbeat_at: at(heartbeatMsAgo),
    ...over,
  };
}

/** ProcessRepo: heartbeats replace the row, listing cuts off stale ones, prune and remove delete. */
export function processRepoContract(current: () => Store): void {
  describe('processes', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it('lists the processes beating since the cut-off, each as its last beat wrote it', async () => {
      await store.processes.beat(proc('b', 1_000));
      await store.processes.beat(proc('a', 120_000));
      const latest = proc('a', 500, { roles: ['api', 'timers'], active: ['timers'], state: 'stopping' });
      await store.processes.beat(latest);
      await store.processes.beat(proc('c', 90_000));
      const live = await store.processes.list({ since: at(30_000) });
      expect(live.map((p) => p.id)).toEqual(['a', 'b']);
      expect(live[0]).toEqual(latest);
      expect((await store.processes.list({ since: at(3_600_000) })).map((p) => p.id)).toEqual(['a', 'b', 'c']);
    });

    it('removes one process and prunes the long gone', async () => {
      await store.processes.beat(proc('a', 0));
      await store.processes.beat(proc('b', 100_000));
      await store.processes.beat(proc('c', 200_000));
      expect(await store.processes.prune(at(50_000))).toBe(2);
      expect(await store.processes.remove('a')).toBe(true);
      expect(await store.processes.remove('a')).toBe(false);
      expect(await store.processes.list({ since: at(3_600_000) })).toEqual([]);
    });
  });
}
