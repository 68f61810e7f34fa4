import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StreamBroadcast } from '../../../engine/bus/bus.js';
import { silentLogger } from '../../../engine/logger.js';
import { matchesFilter, type StreamFilter, StreamHub } from '../../../engine/stream/stream-hub.js';
import { StreamPublisher } from '../../../engine/stream/stream-publisher.js';
import { type EngineHarness, startEngineHarness } from '../../support/engine-harness.js';
import { waitFor } from '../../support/processes.js';

const ALL: StreamFilter = { events: ['*'], actionRefs: [], executionIds: [] };

describe('StreamPublisher', () => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await startEngineHarness({ scheduler: false, worker: false });
  });
  afterAll(() => h.close());

  it.each([true, false])(
    'stores events with increasing ids, in order, and broadcasts each with its stored id (orderedAppends %s)',
    async (orderedAppends) => {
      const publisher = new StreamPublisher({
        store: h.store,
        bus: h.bus,
        logger: silentLogger,
        present: h.present,
        orderedAppends,
      });
      const seen = await h.record('stream.events');
      const before = await h.store.events.lastId();
      for (let i = 0; i < 50; i++) publisher.emit('test.event', { n: i });
      expect(publisher.backlog).toBeGreaterThan(0);
      await publisher.drain();
      expect(publisher.backlog).toBe(0);
      const stored = await h.store.events.since(before, 1000);
      expect(stored.map((e) => e.data.n)).toEqual([...Array(50).keys()]);
      const ids = stored.map((e) => e.id);
      expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
      await waitFor(() => (seen.messages.flatMap((m) => m.events).length >= 50 ? true : undefined));
      expect(seen.messages.flatMap((m) => m.events).map((m) => ({ id: m.id, event: m.event, data: m.data }))).toEqual(
        stored.map((e) => ({ id: e.id, event: e.event, data: e.data })),
      );
      await seen.stop();
    },
  );

  it('publishes execution create and update events in StackStorm shape, and output events', async () => {
    const before = await h.store.events.lastId();
    const e = await h.executions.request({ action: 'core.local', parameters: { cmd: 'x' }, context: { user: 'u' } });
    await h.executions.cancel(e.id, 'u');
    h.stream.output(e, { stream: 'stdout', data: 'hi\n', seq: 7, timestamp: '2030-01-01T00:00:00.000Z' });
    h.stream.announce('chat', { text: 'hello' });
    await h.stream.drain();
    const events = await h.store.events.since(before);
    expect(events.map((ev) => ev.event)).toEqual([
      'st2.execution__create',
      'st2.execution__update',
      'st2.execution_output__create',
      'st2.announcement__chat',
    ]);
    expect(events[0]!.data).toMatchObject({ id: e.id, status: 'requested', action: { ref: 'core.local' } });
    expect(events[1]!.data).toMatchObject({ id: e.id, status: 'canceled' });
    expect(events[2]!.data).toEqual({
      id: '7',
      execution_id: e.id,
      action_ref: 'core.local',
      runner_ref: 'local-shell-cmd',
      timestamp: '2030-01-01T00:00:00.000Z',
      output_type: 'stdout',
      data: 'hi\n',
    });
    expect(events[3]!.data).toEqual({ payload: { text: 'hello' } });
  });
});

describe('StreamHub', () => {
  let h: EngineHarness;
  let hub: StreamHub;
  const detachers: (() => void)[] = [];
  beforeAll(async () => {
    h = await startEngineHarness({ scheduler: false, worker: false });
    hub = new StreamHub({ store: h.store, bus: h.bus, logger: silentLogger });
    await hub.start();
  });
  afterEach(() => {
    for (const d of detachers.splice(0)) d();
  });
  afterAll(async () => {
    await hub.stop();
    await h.close();
  });

  async function attach(filter: StreamFilter, lastEventId?: number): Promise<StreamBroadcast[]> {
    const got: StreamBroadcast[] = [];
    detachers.push(await hub.attach(filter, lastEventId, (e) => got.push(e)));
    return got;
  }

  it('replays events after Last-Event-ID, then continues live with no duplicates and no gaps', async () => {
    for (let i = 0; i < 1200; i++) h.stream.emit('test.replay', { n: i });
    await h.stream.drain();
    const last = await h.store.events.lastId();
    const from = last - 1100; // more than one replay page
    // Events keep coming while the client attaches and replays.
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        h.stream.emit('test.replay', { live: i });
        if (i % 10 === 0) await new Promise((r) => setImmediate(r));
        if (i > 3000) break;
      }
    })();
    const got = await attach(ALL, from);
    await new Promise((r) => setTimeout(r, 50));
    writing = false;
    await writer;
    await h.stream.drain();
    const end = await h.store.events.lastId();
    await waitFor(() => (got.some((e) => e.id === end) ? true : undefined), 10_000, 'every event up to the last');
    await new Promise((r) => setTimeout(r, 50)); // and nothing more after it
    const ids = got.map((e) => e.id);
    expect(ids[0]).toBe(from + 1);
    expect(ids).toEqual(Array.from({ length: end - from }, (_, i) => from + 1 + i));
  });

  it('sends only live events when the client gives no Last-Event-ID', async () => {
    const seen = await h.record('stream.events');
    h.stream.emit('test.before', {});
    await h.stream.drain();
    // Attach once the earlier event has been broadcast everywhere.
    await waitFor(() =>
      seen.messages.flatMap((m) => m.events).some((m) => m.event === 'test.before') ? true : undefined,
    );
    await seen.stop();
    const got = await attach(ALL);
    h.stream.emit('test.after', {});
    await h.stream.drain();
    await waitFor(() => (got.length > 0 ? true : undefined));
    expect(got.map((e) => e.event)).toEqual(['test.after']);
  });

  it('filters by event name and prefix, execution id and action ref', async () => {
    const byName = await attach({ events: ['st2.execution__update'], actionRefs: [], executionIds: [] });
    const byPrefix = await attach({ events: ['st2.announcement__*'], actionRefs: [], executionIds: [] });
    const byDefault = await attach({ events: [], actionRefs: [], executionIds: [] });
    const a = await h.executions.request({ action: 'core.local', parameters: { cmd: 'a' }, context: { user: 'u' } });
    const b = await h.executions.request({ action: 'core.noop', context: { user: 'u' } });
    await h.stream.drain();
    await waitFor(() => (byDefault.length >= 2 ? true : undefined)); // both creates broadcast
    const byExecution = await attach({ events: ['*'], actionRefs: [], executionIds: [a.id] });
    const byAction = await attach({ events: ['*'], actionRefs: ['core.noop'], executionIds: [] });
    await h.executions.cancel(a.id, 'u');
    await h.executions.cancel(b.id, 'u');
    h.stream.output(a, { stream: 'stdout', data: 'x', seq: 1, timestamp: new Date().toISOString() });
    h.stream.announce('chat', { text: 'hi' });
    h.stream.emit('test.other', {});
    await h.stream.drain();
    await waitFor(() => (byDefault.length >= 5 ? true : undefined));
    await new Promise((r) => setTimeout(r, 20));

    const summary = (got: StreamBroadcast[]) =>
      got.map((e) => `${e.event}:${String(e.data.execution_id ?? e.data.id ?? '')}`);
    expect(summary(byName)).toEqual([`st2.execution__update:${a.id}`, `st2.execution__update:${b.id}`]);
    expect(byPrefix.map((e) => e.event)).toEqual(['st2.announcement__chat']);
    // StackStorm's default set: executions and announcements, not output or other events.
    expect(byDefault.map((e) => e.event)).toEqual([
      'st2.execution__create',
      'st2.execution__create',
      'st2.execution__update',
      'st2.execution__update',
      'st2.announcement__chat',
    ]);
    expect(summary(byExecution)).toEqual([`st2.execution__update:${a.id}`, `st2.execution_output__create:${a.id}`]);
    expect(summary(byAction)).toEqual([`st2.execution__update:${b.id}`]);
  });

  it('keeps delivering to other clients when one client throws', async () => {
    detachers.push(
      await hub.attach(ALL, undefined, () => {
        throw new Error('socket closed');
      }),
    );
    const got = await attach(ALL);
    h.stream.emit('test.isolation', {});
    await h.stream.drain();
    await waitFor(() => (got.length > 0 ? true : undefined), 5_000, 'the healthy client to get the event');
    expect(got.map((e) => e.event)).toEqual(['test.isolation']);
  });

  it('holds its bus subscription only while a client listens, and delivers live events after rejoining', async () => {
    for (const d of detachers.splice(0)) d();
    await waitFor(() => (hub.subscribed ? undefined : true), 5_000, 'the hub to leave the broadcast');
    h.stream.emit('test.nobody', {});
    await h.stream.drain();
    const got = await attach(ALL);
    expect(hub.subscribed).toBe(true);
    h.stream.emit('test.rejoined', {});
    await h.stream.drain();
    await waitFor(() => (got.length > 0 ? true : undefined), 5_000, 'the live event');
    expect(got.map((e) => e.event)).toEqual(['test.rejoined']);
    // Clients coming and going at once: subscribed while one remains, not once all have gone.
    const quick = await Promise.all([1, 2, 3].map(() => hub.attach(ALL, undefined, () => {})));
    for (const d of detachers.splice(0)) d();
    quick[0]!();
    quick[1]!();
    await new Promise((r) => setTimeout(r, 20));
    expect(hub.subscribed).toBe(true);
    quick[2]!();
    await waitFor(() => (hub.subscribed ? undefined : true), 5_000, 'the hub to leave the broadcast');
  });

  it('does not keep a client whose replay failed', async () => {
    h.stream.emit('test.replay-fail', {});
    await h.stream.drain();
    const before = hub.clients;
    await expect(
      hub.attach(ALL, 0, () => {
        throw new Error('socket closed during replay');
      }),
    ).rejects.toThrow('socket closed during replay');
    expect(hub.clients).toBe(before);
  });

  it('matches output events by execution id and action ref', () => {
    const ev: StreamBroadcast = {
      id: 1,
      event: 'st2.execution_output__create',
      data: { execution_id: 'e1', action_ref: 'p.a' },
    };
    expect(
      matchesFilter({ events: ['st2.execution_output__create'], actionRefs: ['p.a'], executionIds: ['e1'] }, ev),
    ).toBe(true);
    expect(matchesFilter({ events: ['st2.execution_output__create'], actionRefs: ['p.b'], executionIds: [] }, ev)).toBe(
      false,
    );
    expect(matchesFilter({ events: ['st2.execution_output__create'], actionRefs: [], executionIds: ['e2'] }, ev)).toBe(
      false,
    );
    expect(matchesFilter({ events: [], actionRefs: [], executionIds: [] }, ev)).toBe(false);
  });
});
