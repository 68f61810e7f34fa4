import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../engine/store/store.js';

/** OutputRepo: ordered chunks per execution. */
export function outputRepoContract(current: () => Store): void {
  describe('output', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it('assigns increasing seq across executions and lists one execution in order', async () => {
      const first = await store.output.append([
        { execution_id: 'e1', stream: 'stdout', data: 'a' },
        { execution_id: 'e2', stream: 'stdout', data: 'x' },
        { execution_id: 'e1', stream: 'stderr', data: 'b', timestamp: '2030-01-01T00:00:00.000Z' },
      ]);
      const second = await store.output.append([{ execution_id: 'e1', stream: 'stdout', data: 'c' }]);
      const seqs = [...first, ...second].map((c) => c.seq);
      expect([...seqs].sort((p, q) => p - q)).toEqual(seqs);
      expect(new Set(seqs).size).toBe(4);
      expect(first[2]?.timestamp).toBe('2030-01-01T00:00:00.000Z');
      const e1 = await store.output.list('e1');
      expect(e1.map((c) => c.data)).toEqual(['a', 'b', 'c']);
      expect(e1[0]).toEqual(first[0]);
      expect(await store.output.append([])).toEqual([]);
    });

    it('lists after a seq and by stream', async () => {
      const chunks = await store.output.append(
        ['1', '2', '3', '4'].map((data, i) => ({
          execution_id: 'e1',
          stream: i % 2 ? ('stderr' as const) : ('stdout' as const),
          data,
        })),
      );
      const afterSecond = await store.output.list('e1', { afterSeq: chunks[1]!.seq });
      expect(afterSecond.map((c) => c.data)).toEqual(['3', '4']);
      expect((await store.output.list('e1', { stream: 'stderr' })).map((c) => c.data)).toEqual(['2', '4']);
      expect(
        (await store.output.list('e1', { afterSeq: chunks[1]!.seq, stream: 'stdout' })).map((c) => c.data),
      ).toEqual(['3']);
      expect(await store.output.list('nope')).toEqual([]);
    });
  });
}
