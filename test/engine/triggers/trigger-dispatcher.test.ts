import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bus } from '../../../engine/bus/bus.js';
import { createBus } from '../../../engine/bus/create-bus.js';
import { silentLogger } from '../../../engine/logger.js';
import { createSqliteStore } from '../../../engine/store/sqlite/sqlite-store.js';
import type { Store } from '../../../engine/store/store.js';
import { createTriggerDispatcher } from '../../../engine/triggers/trigger-dispatcher.js';
import { TriggerInstanceSweeper } from '../../../engine/triggers/trigger-instance-sweeper.js';
import { expectCode } from '../../contract/store/store-contract-helpers.js';
import { waitFor } from '../../support/processes.js';

describe('trigger dispatcher', () => {
  let store: Store;
  let bus: Bus;
  let seen: string[];

  beforeEach(async () => {
    store = await createSqliteStore({ kind: 'sqlite', path: ':memory:' }, { logger: silentLogger });
    await store.init();
    bus = await createBus({ kind: 'memory' }, { logger: silentLogger });
    seen = [];
    await bus.consume('trigger.instance', 'rules', async (m) => {
      // The message carries only the id: what it names must already be stored.
      const t = await store.triggerInstances.get(m.id);
      seen.push(`${m.id}:${t?.status}`);
    });
  });
  afterEach(async () => {
    await bus.close();
    await store.close();
  });

  it('stores the instance as pending before publishing its id', async () => {
    const triggers = createTriggerDispatcher({ store, bus, logger: silentLogger });
    const t = await triggers.dispatch({
      trigger: 'core.st2.webhook',
      parameters: { url: 'alerts' },
      payload: { body: { text: '{{ not rendered }}' }, headers: {} },
      trace_tag: 'deploy-42',
      occurrence_time: '2026-03-01T12:00:00+02:00',
    });
    expect(t).toMatchObject({
      trigger: 'core.st2.webhook',
      parameters: { url: 'alerts' },
      payload: { body: { text: '{{ not rendered }}' }, headers: {} },
      status: 'pending',
      trace_tag: 'deploy-42',
      occurrence_time: '2026-03-01T10:00:00.000Z',
    });
    expect(await store.triggerInstances.get(t.id)).toEqual(t);
    await waitFor(() => (seen.length ? true : undefined));
    expect(seen).toEqual([`${t.id}:pending`]);
  });

  it('defaults the trace tag to the instance id, the parameters to none and the time to now', async () => {
    const before = new Date().toISOString();
    const t = await createTriggerDispatcher({ store, bus, logger: silentLogger }).dispatch({
      trigger: 'ops.disk_full',
      payload: {},
    });
    expect(t.trace_tag).toBe(t.id);
    expect(t.parameters).toEqual({});
    expect(t.occurrence_time >= before).toBe(true);
  });

  it('refuses a bad trigger ref, payload or time without storing anything', async () => {
    const triggers = createTriggerDispatcher({ store, bus, logger: silentLogger });
    await expectCode(triggers.dispatch({ trigger: 'no-pack', payload: {} }), 'SQ_VALIDATION');
    await expectCode(
      triggers.dispatch({ trigger: 'a.b', payload: [] as unknown as Record<string, never> }),
      'SQ_VALIDATION',
    );
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 100; i++) deep = deep.a = {};
    await expectCode(triggers.dispatch({ trigger: 'a.b', payload: root as never }), 'SQ_VALIDATION');
    await expectCode(
      triggers.dispatch({ trigger: 'a.b', payload: {}, occurrence_time: 'yesterday-ish' }),
      'SQ_VALIDATION',
    );
    expect((await store.triggerInstances.list({})).total).toBe(0);
  });

  it('keeps an instance whose publish failed, and the sweep publishes it again', async () => {
    const downBus = await createBus({ kind: 'memory' }, { logger: silentLogger });
    await downBus.close();
    const t = await createTriggerDispatcher({ store, bus: downBus, logger: silentLogger }).dispatch({
      trigger: 'core.st2.webhook',
      parameters: { url: 'x' },
      payload: { body: 1 },
    });
    expect((await store.triggerInstances.get(t.id))?.status).toBe('pending');
    expect(seen).toEqual([]);
    const sweeper = new TriggerInstanceSweeper({ store, bus, logger: silentLogger });
    // Fresh instances are left alone (their message may still be on its way) unless told otherwise.
    expect(await sweeper.sweep()).toBe(0);
    expect(await sweeper.sweep({ olderThanMs: 0 })).toBe(1);
    await waitFor(() => (seen.length ? true : undefined));
    expect(seen).toEqual([`${t.id}:pending`]);
  });

  it('puts an instance left processing by a dead consumer back to pending and publishes it', async () => {
    const downBus = await createBus({ kind: 'memory' }, { logger: silentLogger });
    await downBus.close();
    const triggers = createTriggerDispatcher({ store, bus: downBus, logger: silentLogger });
    const stuck = await triggers.dispatch({ trigger: 'a.b', payload: { n: 1 } });
    const done = await triggers.dispatch({ trigger: 'a.b', payload: { n: 2 } });
    await store.triggerInstances.setStatus(stuck.id, ['pending'], 'processing');
    await store.triggerInstances.setStatus(done.id, ['pending'], 'processed');
    const sweeper = new TriggerInstanceSweeper({ store, bus, logger: silentLogger });
    expect(await sweeper.sweep({ olderThanMs: 0 })).toBe(1);
    await waitFor(() => (seen.length ? true : undefined));
    expect(seen).toEqual([`${stuck.id}:pending`]);
    expect((await store.triggerInstances.get(done.id))?.status).toBe('processed');
  });
});
