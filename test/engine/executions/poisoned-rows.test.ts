import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SquallError } from '../../../engine/errors.js';
import { type Logger, silentLogger } from '../../../engine/logger.js';
import type { Action } from '../../../engine/model/action.js';
import { type EngineHarness, startEngineHarness } from '../../support/engine-harness.js';
import { insertRawExecution, nestedObject } from '../../support/poisoned-rows.js';
import { waitFor } from '../../support/processes.js';

/** A logger that keeps error lines, so a test can see that a skipped row was reported. */
function recordingLogger(lines: { msg: string; fields: Record<string, unknown> }[]): Logger {
  const make = (bound: Record<string, unknown>): Logger => ({
    ...silentLogger,
    error: (msg: string, fields: Record<string, unknown> = {}) => {
      lines.push({ msg, fields: { ...bound, ...fields } });
    },
    child: (more: Record<string, unknown>) => make({ ...bound, ...more }),
  });
  return make({});
}

describe('one unusual execution row never blocks the others', () => {
  let h: EngineHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function coreLocal(): Promise<Action> {
    return (await h!.store.actions.get('core.local'))!;
  }

  it('refuses a new execution whose context or parameters nest too deep, naming the path', async () => {
    h = await startEngineHarness({ scheduler: false, worker: false });
    const err = await h.executions
      .request({ action: 'core.local', parameters: { cmd: 'true' }, context: { user: 'u', x: nestedObject(1000) } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SquallError);
    expect((err as SquallError).code).toBe('SQ_VALIDATION');
    expect((err as SquallError).message).toMatch(/^Cannot store context\.x\.a\.a.*nested deeper than 64 levels/);
    // An `object` parameter typed in chat is cast from text: the same limit holds for it.
    const chat = await h.executions
      .request({
        action: 'core.local',
        parameters: { cmd: 'true', env: JSON.stringify(nestedObject(100)) },
        castStrings: true,
        context: { user: 'u' },
      })
      .catch((e: unknown) => e);
    expect((chat as SquallError).message).toMatch(/^Cannot store parameters\.env\.a.*nested deeper than 64 levels/);
    expect((await h.store.executions.list({})).total).toBe(0);
  });

  it('updates and cancels an execution stored 1,000 levels deep before the limit existed', async () => {
    h = await startEngineHarness({ scheduler: false, worker: false });
    const id = insertRawExecution(join(h.dir, 'squall.db'), await coreLocal(), 'requested', {
      context: { user: 'poisoner', x: nestedObject(1000) },
    });
    const scheduled = await h.store.executions.update(
      id,
      { expect: { status: 'requested' } },
      { status: 'scheduled', appendLog: { status: 'scheduled', timestamp: new Date().toISOString() } },
    );
    expect(scheduled?.status).toBe('scheduled');
    const canceled = await h.executions.cancel(id, 'admin');
    expect(canceled.status).toBe('canceled');
    expect((await h.store.executions.get(id))?.log.map((l) => l.status)).toEqual([
      'requested',
      'scheduled',
      'canceled',
    ]);
  });

  it('sweeps every other row when one row cannot be changed, and reports the one it skipped', async () => {
    const errors: { msg: string; fields: Record<string, unknown> }[] = [];
    h = await startEngineHarness({ scheduler: false, worker: false, logger: recordingLogger(errors) });
    const db = join(h.dir, 'squall.db');
    const action = await coreLocal();
    // Oldest first, as the sweeper reads them: the unusable rows come before every good one.
    const badRunning = insertRawExecution(
      db,
      action,
      'running',
      { log: null, context: null },
      '2019-01-01T00:00:00.000Z',
    );
    const badRequested = insertRawExecution(
      db,
      action,
      'requested',
      { log: null, context: null },
      '2019-01-01T00:00:00.000Z',
    );
    const deep = insertRawExecution(db, action, 'running', { context: { user: 'p', x: nestedObject(1000) } });
    const running = [deep, ...Array.from({ length: 5 }, () => insertRawExecution(db, action, 'running'))];
    const requested = Array.from({ length: 5 }, () => insertRawExecution(db, action, 'requested'));
    const queued = await h.recordQueue('execution.requested');

    const swept = await h.sweeper().sweep({ requeueOlderThanMs: 0, abandonOlderThanMs: 0 });

    expect(swept).toEqual({ requeued: requested.length, abandoned: running.length });
    for (const id of running) expect((await h.store.executions.get(id))?.status).toBe('abandoned');
    // The in-process bus delivers on a later turn of the event loop.
    await waitFor(() => (queued.messages.length >= requested.length ? true : undefined), 10_000, 'requeued messages');
    expect(queued.messages.map((m) => m.id).sort()).toEqual([...requested].sort());
    const skipped = errors.filter((l) => l.msg === 'sweep skipped an execution it could not change');
    expect(skipped.map((l) => l.fields.executionId).sort()).toEqual([badRunning, badRequested].sort());
  });
});
