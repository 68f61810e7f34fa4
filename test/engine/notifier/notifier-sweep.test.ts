import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { tempDir } from '../../../bench/bench-util.js';
import { derivedId } from '../../../engine/ids.js';
import { silentLogger } from '../../../engine/logger.js';
import { NotifierSweep } from '../../../engine/notifier/notifier.js';
import { createTriggerDispatcher } from '../../../engine/triggers/trigger-dispatcher.js';
import { makeExecution } from '../../support/store-fixtures.js';

/**
 * An execution whose terminal write landed but whose `execution.completed` was lost (the process
 * died right after, the in-process bus forgot it) still gets its action trigger, once: the sweep
 * finds it without its actiontrigger instance, and a second delivery finds that instance (stored
 * last) or, for the notify triggers, theirs (ids derived from the execution).
 */
describe('action and notify triggers, exactly once', () => {
  const dir = tempDir('squall-notifier-sweep-');
  let s: RunningServer;
  let sweep: NotifierSweep;

  beforeAll(async () => {
    s = await startServer({
      dataDir: dir.path,
      config: { api: { port: 0 }, log: { level: 'silent' } },
      logger: silentLogger,
    });
    sweep = new NotifierSweep({ store: s.core.store, bus: s.core.bus, logger: silentLogger, graceMs: 0 });
    await sweep.sweep();
  });
  afterAll(async () => {
    await s.close();
    dir.remove();
  });

  // The sweep takes rows updated strictly before it starts (grace 0 here): one written in the same
  // millisecond waits for the next sweep. A test lets a millisecond pass before it sweeps, so that a
  // sweep that finds nothing finds nothing for the reason the test names.
  const sweepLater = async () => {
    await new Promise((r) => setTimeout(r, 2));
    return sweep.sweep();
  };

  const triggersOf = async (executionId: string, trigger: string) =>
    (await s.core.store.triggerInstances.list({ trigger, limit: 1000 })).items.filter(
      (t) => t.payload.execution_id === executionId,
    );

  it('emits what is owed for a terminal row with no marker, and never twice', async () => {
    const now = new Date().toISOString();
    const e = await s.core.store.executions.create(
      makeExecution({
        status: 'succeeded',
        end_timestamp: now,
        result: { stdout: 'done' },
        notify: { 'on-complete': { routes: ['pagerduty'], message: 'finished' } },
      }),
    );
    expect(await triggersOf(e.id, 'core.st2.generic.actiontrigger')).toHaveLength(0);

    expect(await sweepLater()).toBe(1);
    await expect.poll(async () => (await triggersOf(e.id, 'core.st2.generic.actiontrigger')).length).toBe(1);
    await expect.poll(async () => (await triggersOf(e.id, 'core.st2.generic.notifytrigger')).length).toBe(1);
    // The actiontrigger instance is the record that it was notified: no marker besides.
    expect(await s.core.store.marks.get(`notified:${e.id}`)).toBeUndefined();

    // Swept again, and redelivered twice: nothing more.
    expect(await sweep.sweep()).toBe(0);
    await s.core.bus.publish('execution.completed', { id: e.id });
    await s.core.bus.publish('execution.completed', { id: e.id });
    await new Promise((r) => setTimeout(r, 200));
    expect(await triggersOf(e.id, 'core.st2.generic.actiontrigger')).toHaveLength(1);
    expect(await triggersOf(e.id, 'core.st2.generic.notifytrigger')).toHaveLength(1);
  });

  it('sends no notify trigger twice for an execution whose notifier died before its actiontrigger was stored', async () => {
    const e = await s.core.store.executions.create(
      makeExecution({
        status: 'failed',
        end_timestamp: new Date().toISOString(),
        notify: { 'on-failure': { routes: ['pagerduty'], message: 'broke' } },
      }),
    );
    // The first delivery got as far as the notify trigger (the id the notifier derives for it).
    await createTriggerDispatcher({ store: s.core.store, bus: s.core.bus, logger: silentLogger }).dispatch({
      id: derivedId(e.id, 'notifytrigger', 'on-failure', 'pagerduty'),
      trigger: 'core.st2.generic.notifytrigger',
      payload: { execution_id: e.id, message: 'broke' },
    });

    expect(await sweepLater()).toBe(1);
    await expect.poll(async () => (await triggersOf(e.id, 'core.st2.generic.actiontrigger')).length).toBe(1);
    expect(await triggersOf(e.id, 'core.st2.generic.notifytrigger')).toHaveLength(1);
    expect(await sweep.sweep()).toBe(0);
  });

  it('leaves alone an execution that ended before the sweep began, though it changed since (an older version notified it)', async () => {
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    const e = await s.core.store.executions.create(makeExecution({ status: 'succeeded', end_timestamp: yesterday }));
    expect(await sweepLater()).toBe(0);
    expect(await triggersOf(e.id, 'core.st2.generic.actiontrigger')).toHaveLength(0);
  });

  it('leaves running executions alone', async () => {
    const e = await s.core.store.executions.create(makeExecution({ status: 'running' }));
    expect(await sweepLater()).toBe(0);
    expect(await triggersOf(e.id, 'core.st2.generic.actiontrigger')).toHaveLength(0);
  });
});
