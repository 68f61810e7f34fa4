import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineHarness, startEngineHarness } from '../../support/engine-harness.js';
import { waitFor } from '../../support/processes.js';

describe('live output', () => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await startEngineHarness();
  });
  afterAll(() => h.close());

  it('stores output chunks in order and broadcasts them before the execution ends', async () => {
    const live = await h.record('execution.output');
    const req = await h.executions.request({
      action: 'core.local',
      parameters: { cmd: 'for i in 1 2 3; do echo $i; sleep 0.2; done; echo done >&2' },
      context: { user: 'u' },
    });
    // The first line arrives while the command is still running.
    await waitFor(
      () => (live.messages.some((m) => m.execution_id === req.id && m.data.includes('1')) ? true : undefined),
      10_000,
    );
    const whileRunning = await h.store.executions.get(req.id);
    expect(whileRunning?.status).toBe('running');
    expect((await h.store.output.list(req.id)).map((c) => c.data).join('')).toContain('1\n');

    const done = await h.executions.waitForTerminal(req.id, 10_000);
    expect(done?.status).toBe('succeeded');
    expect(done?.result?.stdout).toBe('1\n2\n3');

    const chunks = await h.store.output.list(req.id);
    // Several chunks, since the lines came 200 ms apart; together they are the whole output in order.
    expect(chunks.length).toBeGreaterThan(1);
    expect(
      chunks
        .filter((c) => c.stream === 'stdout')
        .map((c) => c.data)
        .join(''),
    ).toBe('1\n2\n3\n');
    expect(
      chunks
        .filter((c) => c.stream === 'stderr')
        .map((c) => c.data)
        .join(''),
    ).toBe('done\n');
    const seqs = chunks.map((c) => c.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(seqs.length);

    // Every stored chunk was broadcast, with the same seq and data (broadcasts arrive asynchronously).
    const lastSeq = chunks[chunks.length - 1]!.seq;
    await waitFor(() => (live.messages.some((m) => m.seq === lastSeq) ? true : undefined));
    const mine = live.messages.filter((m) => m.execution_id === req.id);
    expect(mine.map((m) => ({ seq: m.seq, data: m.data, stream: m.stream }))).toEqual(
      chunks.map((c) => ({ seq: c.seq, data: c.data, stream: c.stream })),
    );
  });

  it('stores output of one stream after a given seq only', async () => {
    const e = await h.run('core.local', { cmd: 'echo a; echo b >&2; sleep 0.2; echo c' });
    const all = await h.store.output.list(e.id);
    const first = all[0]!;
    const rest = await h.store.output.list(e.id, { afterSeq: first.seq });
    expect(rest).toEqual(all.slice(1));
    expect((await h.store.output.list(e.id, { stream: 'stderr' })).map((c) => c.data).join('')).toBe('b\n');
  });
});
