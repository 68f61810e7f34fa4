import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../engine/logger.js';
import { type EngineHarness, startEngineHarness } from '../../support/engine-harness.js';
import { waitFor } from '../../support/processes.js';

const SECRET = 'hunter2-s3cr3t-value';

describe('secret parameters', () => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await startEngineHarness();
  });
  afterAll(() => h.close());

  it('never shows a secret in the stored result, output chunks, live output or stream events', async () => {
    const live = await h.record('execution.output');
    const broadcast = await h.record('stream.events');
    const e = await h.run('lifecycle.secret_env', { env: { SQ_TOKEN: SECRET } });
    expect(e.status).toBe('succeeded');
    // The command did print it, masked.
    expect(e.result?.stdout).toBe('token=********');
    expect(e.result?.stderr).toBe('stderr saw ********');

    const chunks = await h.store.output.list(e.id);
    const text = chunks.map((c) => c.data).join('');
    expect(text).toContain('token=********');
    expect(text).toContain('stderr saw ********');
    expect(JSON.stringify(chunks)).not.toContain(SECRET);
    const lastSeq = chunks[chunks.length - 1]!.seq;
    await waitFor(() => (live.messages.some((m) => m.seq === lastSeq) ? true : undefined));
    expect(JSON.stringify(live.messages)).not.toContain(SECRET);

    await h.stream.drain();
    const stored = await h.store.events.since(0, 1000);
    expect(stored.some((s) => s.event === 'st2.execution_output__create')).toBe(true);
    expect(stored.some((s) => s.event === 'st2.execution__update' && s.data.status === 'succeeded')).toBe(true);
    expect(stored.filter((ev) => JSON.stringify(ev).includes(SECRET))).toEqual([]);
    const lastId = stored.at(-1)!.id;
    await waitFor(() => (broadcast.messages.flatMap((m) => m.events).some((m) => m.id === lastId) ? true : undefined));
    expect(JSON.stringify(broadcast.messages.flatMap((m) => m.events))).not.toContain(SECRET);

    // The presented parameters are masked; the stored row keeps the value for the runner.
    expect(h.present(e).parameters).toMatchObject({ env: '********' });
    expect(JSON.stringify(e.result)).not.toContain(SECRET);
  });

  it('masks a secret that the command prints in two pieces, far apart in time', async () => {
    const live = await h.record('execution.output');
    const [head, tail] = [SECRET.slice(0, 8), SECRET.slice(8)];
    const e = await h.run('core.local', {
      cmd: `printf '${head}'; sleep 0.4; printf '${tail} end\\n'`,
      sudo_password: SECRET,
    });
    expect(e.result?.stdout).toBe('******** end');
    const stored = (await h.store.output.list(e.id)).map((c) => c.data).join('');
    expect(stored).toBe('******** end\n');
    const lastSeq = (await h.store.output.list(e.id)).at(-1)!.seq;
    await waitFor(() => (live.messages.some((m) => m.seq === lastSeq) ? true : undefined));
    const broadcast = live.messages
      .filter((m) => m.execution_id === e.id)
      .map((m) => m.data)
      .join('');
    expect(broadcast).toBe('******** end\n');
    await h.stream.drain();
    const events = (await h.store.events.since(0, 10_000)).filter(
      (ev) => ev.event === 'st2.execution_output__create' && ev.data.execution_id === e.id,
    );
    expect(events.map((ev) => ev.data.data).join('')).toBe('******** end\n');
  });

  it('masks a secret inside a failure result too', async () => {
    const e = await h.run('core.local', { cmd: `echo ${SECRET}; exit 1`, sudo_password: SECRET });
    expect(e.status).toBe('failed');
    expect(e.result?.stdout).toBe('********');
    expect(JSON.stringify(await h.store.output.list(e.id))).not.toContain(SECRET);
  });
  it('masks a secret quoted in the message of a runner that broke, in the result and in the log', async () => {
    const sink = new PassThrough();
    let logged = '';
    sink.on('data', (d: Buffer) => {
      logged += d.toString();
    });
    const broken = await startEngineHarness({ worker: false, logger: createLogger({ destination: sink }) });
    try {
      await broken.startWorker({
        actionEnv: async (e) => {
          throw new Error(`cannot prepare with ${String(e.parameters.sudo_password)}`);
        },
      });
      const e = await broken.run('core.local', { cmd: 'true', sudo_password: SECRET });
      expect(e.status).toBe('failed');
      expect(e.result?.error).toBe('Runner error: cannot prepare with ********');
      await waitFor(() => (logged.includes('runner failed') ? true : undefined));
      expect(logged).toContain('cannot prepare with ********');
      expect(logged).not.toContain(SECRET);
    } finally {
      await broken.close();
    }
  });
});
