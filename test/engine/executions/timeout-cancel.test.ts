import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineHarness, startEngineHarness } from '../../support/engine-harness.js';
import { isAlive, waitFor, waitForExit, waitForPidFile } from '../../support/processes.js';

describe('timeout', () => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await startEngineHarness();
  });
  afterAll(() => h.close());

  it('ends an action with timeout 1 running sleep 30 as timeout, with StackStorm message', async () => {
    const e = await h.run('lifecycle.short', { cmd: 'sleep 30' }, 15_000);
    expect(e.status).toBe('timeout');
    expect(e.timeout_s).toBe(1);
    expect(e.result?.error).toBe('Action failed to complete in 1 seconds');
    expect(e.result?.succeeded).toBe(false);
    expect(e.log.map((l) => l.status)).toEqual(['requested', 'scheduled', 'running', 'timeout']);
  });

  it('honours a per-request timeout parameter', async () => {
    const e = await h.run('core.local', { cmd: 'sleep 30', timeout: 1 }, 15_000);
    expect(e.status).toBe('timeout');
    expect(e.result?.error).toBe('Action failed to complete in 1 seconds');
  });
});

describe('cancel', () => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await startEngineHarness();
  });
  afterAll(() => h.close());

  it('cancels a running command, kills its whole process group and records who canceled', async () => {
    const pidFile = join(h.dir, 'grandchild.pid');
    rmSync(pidFile, { force: true });
    const completed = await h.recordQueue('execution.completed');
    const req = await h.executions.request({
      action: 'core.local',
      parameters: { cmd: `sleep 300 & echo $! > ${pidFile}; wait` },
      context: { user: 'alice' },
    });
    const grandchild = await waitForPidFile(pidFile);
    await waitFor(async () => ((await h.store.executions.get(req.id))?.status === 'running' ? true : undefined));
    expect(isAlive(grandchild)).toBe(true);

    const canceling = await h.executions.cancel(req.id, 'bob');
    expect(canceling.status).toBe('canceling');
    expect(canceling.context.cancelled_by).toBe('bob');

    const done = await h.executions.waitForTerminal(req.id, 15_000);
    expect(done?.status).toBe('canceled');
    expect(done?.log.map((l) => l.status)).toEqual(['requested', 'scheduled', 'running', 'canceling', 'canceled']);
    expect(done?.context.cancelled_by).toBe('bob');
    expect(done?.end_timestamp).toBeDefined();
    await waitForExit(grandchild, 10_000);
    await waitFor(() => (completed.messages.some((m) => m.id === req.id) ? true : undefined));
  });

  it('cancels a requested or scheduled execution at once, and no runner ever starts it', async () => {
    // A second engine without runners: executions stay requested (no scheduler) ...
    const idle = await startEngineHarness({ scheduler: false, worker: false });
    try {
      const completed = await idle.recordQueue('execution.completed');
      const e = await idle.executions.request({
        action: 'core.local',
        parameters: { cmd: 'echo no' },
        context: { user: 'u' },
      });
      const canceled = await idle.executions.cancel(e.id, 'u');
      expect(canceled.status).toBe('canceled');
      expect(canceled.log.map((l) => l.status)).toEqual(['requested', 'canceled']);
      expect(canceled.result).toEqual({ message: 'Action canceled by user.', user: 'u' });
      expect(await idle.executions.waitForTerminal(e.id, 1000)).toMatchObject({ status: 'canceled' });
      await waitFor(() => (completed.messages.length > 0 ? true : undefined));
      expect(completed.messages).toEqual([{ id: e.id, parent: null }]);

      // ... and a scheduled one (moved by the scheduler, no worker yet) is canceled the same way.
      const sched = await startEngineHarness({ worker: false });
      try {
        const s = await sched.executions.request({
          action: 'core.local',
          parameters: { cmd: 'echo no' },
          context: { user: 'u' },
        });
        await waitFor(async () =>
          (await sched.store.executions.get(s.id))?.status === 'scheduled' ? true : undefined,
        );
        const c = await sched.executions.cancel(s.id, 'u');
        expect(c.log.map((l) => l.status)).toEqual(['requested', 'scheduled', 'canceled']);
        // A worker that starts now gets the scheduled message but must not run it.
        await sched.startWorker();
        await sched.stream.drain();
        const after = await sched.store.executions.get(s.id);
        expect(after?.status).toBe('canceled');
        expect(after?.log.some((l) => l.status === 'running')).toBe(false);
      } finally {
        await sched.close();
      }
    } finally {
      await idle.close();
    }
  });

  it('kills a canceling run whose cancel broadcast was lost, at the next heartbeat', async () => {
    const req = await h.executions.request({
      action: 'core.local',
      parameters: { cmd: 'sleep 30' },
      context: { user: 'u' },
    });
    await waitFor(async () => ((await h.store.executions.get(req.id))?.status === 'running' ? true : undefined));
    // What cancel() stores, without the `execution.cancel` broadcast (another API process, a dropped message).
    await h.store.executions.update(
      req.id,
      { expect: { status: 'running' } },
      { status: 'canceling', appendLog: { status: 'canceling', timestamp: new Date().toISOString() } },
    );
    const done = await h.executions.waitForTerminal(req.id, 10_000);
    expect(done?.status).toBe('canceled');
    expect(done?.log.map((l) => l.status)).toEqual(['requested', 'scheduled', 'running', 'canceling', 'canceled']);
  });

  it('refuses to cancel a finished execution', async () => {
    const e = await h.run('core.noop');
    await expect(h.executions.cancel(e.id, 'u')).rejects.toMatchObject({
      code: 'SQ_EXECUTION_NOT_CANCELABLE',
      message: expect.stringContaining('already finished (status succeeded)'),
    });
  });

  it('refuses to cancel an execution that does not exist', async () => {
    await expect(h.executions.cancel('0123456789abcdef01234567', 'u')).rejects.toMatchObject({
      code: 'SQ_EXECUTION_NOT_FOUND',
    });
  });
});
