import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../../../engine/ids.js';
import type { Execution } from '../../../engine/model/execution.js';
import { type EngineHarness, startEngineHarness } from '../../support/engine-harness.js';
import { waitFor } from '../../support/processes.js';

const OLD = '2020-01-01T00:00:00.000Z';

describe('durability', () => {
  let h: EngineHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('runs a requested execution whose publish never happened once the sweeper finds it', async () => {
    h = await startEngineHarness();
    const action = (await h.store.actions.get('core.local'))!;
    const id = newId();
    // Stored as a request would be, but never published (the process died between the two steps).
    await h.store.executions.create({
      id,
      action,
      runner_type: action.runner_type,
      parameters: { cmd: 'echo recovered', timeout: 60, sudo: false },
      status: 'requested',
      start_timestamp: new Date().toISOString(),
      context: { user: 'u' },
      log: [{ status: 'requested', timestamp: new Date().toISOString() }],
      timeout_s: 60,
    });
    await sleep(20); // older than "now" by the time the sweeper looks
    const sweeper = h.sweeper({ requeueAfterMs: 0 });
    expect(await sweeper.sweep()).toEqual({ requeued: 1, abandoned: 0 });
    const done = await h.executions.waitForTerminal(id, 10_000);
    expect(done?.status).toBe('succeeded');
    expect(done?.result?.stdout).toBe('recovered');
    expect(done?.attempts).toBe(1);
    expect(done?.log.map((l) => l.status)).toEqual(['requested', 'scheduled', 'running', 'succeeded']);
  });

  it('does not re-queue a requested execution younger than requeueAfterMs', async () => {
    h = await startEngineHarness({ scheduler: false, worker: false });
    const e = await h.executions.request({ action: 'core.noop', context: { user: 'u' } });
    expect(await h.sweeper({ requeueAfterMs: 60_000 }).sweep()).toEqual({ requeued: 0, abandoned: 0 });
    expect((await h.store.executions.get(e.id))?.attempts).toBe(0);
  });

  it('never runs one execution twice with two workers on one bus and store', async () => {
    h = await startEngineHarness({ concurrency: 32 });
    await h.startWorker();
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) {
      ids.push((await h.executions.request({ action: 'core.noop', context: { user: 'u' } })).id);
    }
    // Every message is also delivered a second time, as a broker redelivery or a sweeper re-publish would.
    for (const id of ids) await h.bus.publish('execution.scheduled', { id });
    const done = await Promise.all(ids.map((id) => h!.executions.waitForTerminal(id, 30_000)));
    expect(done.map((e) => e?.status)).toEqual(ids.map(() => 'succeeded'));
    for (const e of done) {
      expect(e?.log.filter((l) => l.status === 'running')).toHaveLength(1);
      expect(e?.log.map((l) => l.status)).toEqual(['requested', 'scheduled', 'running', 'succeeded']);
    }
    expect(h.workers.every((w) => w.active === 0)).toBe(true);
  });

  it('marks a running execution with an old heartbeat abandoned, with a clear error, and publishes completion', async () => {
    h = await startEngineHarness({ worker: false });
    const completed = await h.recordQueue('execution.completed');
    const e = await seedRunning(h, { heartbeat_at: OLD, worker: 'deadhost:4242' });
    const fresh = await seedRunning(h, { heartbeat_at: new Date().toISOString(), worker: 'livehost:1' });

    expect(await h.sweeper({ abandonAfterMs: 30_000 }).sweep()).toEqual({ requeued: 0, abandoned: 1 });
    const after = await h.store.executions.get(e.id);
    expect(after?.status).toBe('abandoned');
    expect(after?.end_timestamp).toBeDefined();
    expect(after?.log.map((l) => l.status)).toEqual(['requested', 'scheduled', 'running', 'abandoned']);
    expect(String(after?.result?.error)).toContain('deadhost:4242');
    expect(String(after?.result?.error)).toContain('not run again');
    await waitFor(() => (completed.messages.length > 0 ? true : undefined));
    expect(completed.messages).toEqual([{ id: e.id, parent: null }]);
    expect((await h.store.executions.get(fresh.id))?.status).toBe('running');
    expect(await h.executions.waitForTerminal(e.id, 1000)).toMatchObject({ status: 'abandoned' });
  });

  it('does nothing with a redelivered execution.scheduled for a finished execution', async () => {
    h = await startEngineHarness();
    const e = await h.run('core.local', { cmd: 'echo once' });
    const live = await h.record('execution.output');
    const completed = await h.recordQueue('execution.completed');
    await h.bus.publish('execution.scheduled', { id: e.id });
    await h.bus.publish('execution.requested', { id: e.id });
    // A later execution passes through the same queues; once it is done, the redelivered ones were handled.
    await h.run('core.noop');
    await waitFor(() => (completed.messages.length > 0 ? true : undefined));
    const after = await h.store.executions.get(e.id);
    expect(after).toEqual(e);
    expect(live.messages.filter((m) => m.execution_id === e.id)).toEqual([]);
    expect(completed.messages.filter((m) => m.id === e.id)).toEqual([]);
    expect((await h.store.output.list(e.id)).map((c) => c.data).join('')).toBe('once\n');
  });

  it('stops a run that the sweeper marked abandoned while its runner was still alive', async () => {
    h = await startEngineHarness({ heartbeatMs: 100 });
    const req = await h.executions.request({
      action: 'core.local',
      parameters: { cmd: 'sleep 30' },
      context: { user: 'u' },
    });
    await waitFor(async () => ((await h!.store.executions.get(req.id))?.status === 'running' ? true : undefined));
    // Another sweeper decided this runner was gone (a long pause, a clock jump).
    const running = (await h.store.executions.get(req.id))!;
    await h.store.executions.update(
      req.id,
      { expect: { status: 'running' } },
      {
        status: 'abandoned',
        end_timestamp: new Date().toISOString(),
        appendLog: { status: 'abandoned', timestamp: new Date().toISOString() },
      },
    );
    expect(running.worker).toBeDefined();
    // The worker notices on its next heartbeat and kills the command rather than running it for 30 s.
    await waitFor(() => (h!.workers[0]!.active === 0 ? true : undefined), 10_000, 'the worker to let go of the run');
    expect((await h.store.executions.get(req.id))?.status).toBe('abandoned');
  });
});

async function seedRunning(h: EngineHarness, over: Partial<Execution>): Promise<Execution> {
  const action = (await h.store.actions.get('core.noop'))!;
  const ts = new Date().toISOString();
  return h.store.executions.create({
    id: newId(),
    action,
    runner_type: action.runner_type,
    parameters: {},
    status: 'running',
    start_timestamp: ts,
    context: { user: 'u' },
    log: [
      { status: 'requested', timestamp: ts },
      { status: 'scheduled', timestamp: ts },
      { status: 'running', timestamp: ts },
    ],
    timeout_s: 600,
    ...over,
  });
}
