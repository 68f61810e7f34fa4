import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../bench/bench-util.js';
import { ChannelOutbox, type SendFailure } from '../../../bot/outbox/channel-outbox.js';
import { silentLogger } from '../../../engine/logger.js';
import type { JsonObject } from '../../../engine/model/json.js';
import { createSqliteStore } from '../../../engine/store/sqlite/sqlite-store.js';
import type { Store } from '../../../engine/store/store.js';

/** A platform of its own: what it was sent, and errors it is told to throw next. */
class TestPlatform {
  readonly sent: JsonObject[] = [];
  readonly failures: SendFailure[] = [];
  send = async (p: JsonObject): Promise<JsonObject> => {
    const f = this.failures.shift();
    if (f) throw f;
    this.sent.push(p);
    return { ok: true, n: this.sent.length };
  };
  classify = (e: unknown): SendFailure => e as SendFailure;
}

/** A platform that is down for as long as the test runs. */
function downPlatform(): TestPlatform {
  const down = new TestPlatform();
  down.send = async () => {
    throw { kind: 'unavailable', reason: 'down' } satisfies SendFailure;
  };
  return down;
}

describe('the per-channel outbox, for any platform', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  const outboxes: ChannelOutbox[] = [];

  beforeEach(async () => {
    dir = tempDir('squall-outbox-');
    store = await createSqliteStore({ kind: 'sqlite', path: join(dir.path, 'squall.db') }, { logger: silentLogger });
    await store.init();
  });
  afterEach(async () => {
    for (const o of outboxes.splice(0)) await o.stop();
    await store.close();
    dir.remove();
  });

  function outbox(platform: string, p: TestPlatform, over: { claimMs?: number } = {}): ChannelOutbox {
    const o = new ChannelOutbox({
      ...over,
      platform,
      label: platform.toUpperCase(),
      repo: store.outbox,
      send: p.send,
      classify: p.classify,
      logger: silentLogger,
      minIntervalMs: 0,
      retryBaseMs: 1,
      retryMaxMs: 5,
    });
    outboxes.push(o);
    return o;
  }

  it('sends in order through transient failures and rate limits, and drops what the platform refuses', async () => {
    const p = new TestPlatform();
    const o = outbox('teams', p);
    p.failures.push({ kind: 'unavailable', reason: 'down' }, { kind: 'rate_limited', retryAfterMs: 5 });
    const sent = await Promise.all(['a', 'b'].map((t) => o.send('C1', t, { text: t })));
    expect(sent).toEqual([
      { ok: true, n: 1 },
      { ok: true, n: 2 },
    ]);
    p.failures.push({ kind: 'rejected', reason: 'no_such_channel' });
    await expect(o.send('C1', 'c', { text: 'c' })).rejects.toThrow(/TEAMS refused the message: no_such_channel/);
    await o.send('C1', 'd', { text: 'd' });
    expect(p.sent.map((m) => m.text)).toEqual(['a', 'b', 'd']);
    expect(await store.outbox.pending('teams:')).toEqual([]);
  });

  it('keeps each platform to its own queues across a restart', async () => {
    const down = downPlatform();
    const first = outbox('slack', down);
    const queued = await first.enqueue('C1', 'k1', { text: 'for slack' });
    await first.stop();
    await expect(queued.sent).rejects.toThrow(/SLACK adapter stopped/);

    const slack = new TestPlatform();
    const teams = new TestPlatform();
    expect(await outbox('teams', teams).restore()).toBe(0);
    expect(await outbox('slack', slack).restore()).toBe(1);
    await expect.poll(() => slack.sent.map((m) => m.text)).toEqual(['for slack']);
    expect(teams.sent).toEqual([]);
  });

  it('sends a restored message once when its caller asks again after the restart, with the same key', async () => {
    const down = downPlatform();
    const first = outbox('slack', down);
    const queued = await first.enqueue('C1', 'post:1', { text: 'once' });
    await first.stop();
    await expect(queued.sent).rejects.toThrow(/stopped/);

    const up = new TestPlatform();
    const second = outbox('slack', up);
    expect(await second.restore()).toBe(1);
    await expect.poll(() => up.sent.length).toBe(1);
    // The caller's redelivery (its bus message, its sweep) arrives after the restored item went out.
    expect(await second.send('C1', 'post:1', { text: 'once' })).toEqual({ ok: true, n: 1 });
    expect(up.sent.map((m) => m.text)).toEqual(['once']);
    // A key never restored is sent as usual.
    await second.send('C1', 'post:2', { text: 'twice' });
    expect(up.sent.map((m) => m.text)).toEqual(['once', 'twice']);
  });

  it('leaves a message another live bot process is sending to it, and sends each message once', async () => {
    // Bot A is in the middle of sending (the platform has not answered yet) when bot B starts.
    let answer: (() => void) | undefined;
    const a = new TestPlatform();
    const aSend = a.send;
    a.send = async (p) => {
      await new Promise<void>((r) => {
        answer = r;
      });
      return aSend(p);
    };
    const botA = outbox('slack', a);
    const sending = botA.send('C1', 'result:1', { text: 'one' });
    await expect.poll(() => answer).toBeDefined();

    const b = new TestPlatform();
    const botB = outbox('slack', b);
    expect(await botB.restore()).toBe(0);
    answer?.();
    expect(await sending).toEqual({ ok: true, n: 1 });
    await botB.send('C1', 'result:2', { text: 'two' });
    expect(a.sent.map((m) => m.text)).toEqual(['one']);
    expect(b.sent.map((m) => m.text)).toEqual(['two']);
    expect(await store.outbox.pending('slack:')).toEqual([]);
  });

  it("takes over a dead bot process's messages once their claim lapsed, in order", async () => {
    const soon = new Date(Date.now() + 200).toISOString();
    for (const n of [1, 2, 3])
      await store.outbox.enqueue({
        id: `m${n}`,
        queue: 'slack:C1',
        payload: { text: `m${n}`, key: `k${n}` },
        due_at: new Date().toISOString(),
        owner: 'dead-bot',
        claimed_until: soon,
      });
    const p = new TestPlatform();
    const o = outbox('slack', p, { claimMs: 60 });
    // Still held: a live process could be sending them right now.
    expect(await o.restore()).toBe(0);
    await expect.poll(() => p.sent.map((m) => m.text)).toEqual(['m1', 'm2', 'm3']);
    await expect.poll(() => store.outbox.pending('slack:')).toEqual([]);
  });

  it('hands its queued messages to the next bot process at once when it stops', async () => {
    const down = downPlatform();
    const first = outbox('slack', down);
    const queued = await first.enqueue('C1', 'k1', { text: 'queued' });
    expect((await store.outbox.pending('slack:'))[0]?.owner).toEqual(expect.any(String));
    await first.stop();
    await expect(queued.sent).rejects.toThrow(/stopped/);
    expect((await store.outbox.pending('slack:'))[0]).toMatchObject({ owner: null, claimed_until: null });
  });
});
