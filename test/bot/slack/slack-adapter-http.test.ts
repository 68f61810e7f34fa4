import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../engine/store/store.js';
import { FakeSlack } from '../../fakes/slack/fake-slack.js';
import { nextTs } from '../../fakes/slack/slack-requests.js';
import { HttpHarness, openStore, tempDir } from './slack-harness.js';

describe('Slack adapter, HTTP mode, against the fake Slack', () => {
  let fake: FakeSlack;
  let store: Store;
  let dir: ReturnType<typeof tempDir>;
  let h: HttpHarness;

  beforeEach(async () => {
    dir = tempDir();
    fake = await FakeSlack.start();
    store = await openStore(dir.path);
    h = await new HttpHarness(fake, store).start();
  });

  afterEach(async () => {
    await h.stop();
    await store.close();
    await fake.close();
    dir.remove();
  });

  const posts = () => fake.ok('chat.postMessage');

  it('answers an @mention in the thread of the message, with the mention removed from the text', async () => {
    const ts = nextTs();
    const r = await h.requests.event({
      type: 'app_mention',
      user: 'U1',
      text: '<@UBOT> deploy prod',
      ts,
      channel: 'C1',
    });
    expect(r.status).toBe(200);
    const call = await fake.waitFor((c) => c.method === 'chat.postMessage');
    expect(h.received[0]).toMatchObject({
      platform: 'slack',
      channel: 'C1',
      user: 'U1',
      text: 'deploy prod',
      mentioned: true,
      direct: false,
      thread: ts,
    });
    expect(call.args).toMatchObject({ channel: 'C1', thread_ts: ts, text: 'ack: deploy prod' });
    expect(call.token).toBe('xoxb-test');
    expect(JSON.stringify(call.args.blocks)).toContain('ack: deploy prod');
  });

  it('passes a ! message as typed, unescaping Slack entities and links, and answers inside an existing thread', async () => {
    const parent = nextTs();
    await h.requests.event({
      type: 'message',
      channel_type: 'channel',
      user: 'U1',
      text: '!curl <https://example.com/a?b=1&amp;c=2|example.com/a?b=1&amp;c=2> &lt;x&gt; <mailto:bob@x.io|bob@x.io>',
      ts: nextTs(),
      thread_ts: parent,
      channel: 'C1',
    });
    const call = await fake.waitFor((c) => c.method === 'chat.postMessage');
    expect(h.received[0]?.text).toBe('!curl example.com/a?b=1&c=2 <x> bob@x.io');
    expect(h.received[0]?.mentioned).toBe(false);
    expect(call.args.thread_ts).toBe(parent);
    // The ack's text is escaped for mrkdwn on the way out.
    expect(call.args.text).toBe('ack: !curl example.com/a?b=1&amp;c=2 &lt;x&gt; bob@x.io');
  });

  it('marks direct messages as direct', async () => {
    await h.requests.event({
      type: 'message',
      channel_type: 'im',
      user: 'U1',
      text: 'status',
      ts: nextTs(),
      channel: 'D1',
    });
    await fake.waitFor((c) => c.method === 'chat.postMessage');
    expect(h.received[0]).toMatchObject({ channel: 'D1', direct: true, mentioned: false, text: 'status' });
  });

  it('ignores its own messages, other bots, edits, and the duplicate message event of a mention', async () => {
    await h.requests.event({ type: 'message', user: 'UBOT', text: '!self', ts: nextTs(), channel: 'C1' });
    await h.requests.event({
      type: 'message',
      bot_id: 'B2',
      user: 'U9',
      text: '!other bot',
      ts: nextTs(),
      channel: 'C1',
    });
    await h.requests.event({
      type: 'message',
      subtype: 'bot_message',
      bot_id: 'B3',
      text: '!legacy bot',
      ts: nextTs(),
      channel: 'C1',
    });
    await h.requests.event({
      type: 'message',
      subtype: 'message_changed',
      text: '!edited',
      ts: nextTs(),
      channel: 'C1',
    });
    await h.requests.event({
      type: 'message',
      channel_type: 'channel',
      user: 'U1',
      text: '<@UBOT> twice',
      ts: nextTs(),
      channel: 'C1',
    });
    // A last, ordinary message: once its ack is out, every earlier event has been processed.
    await h.requests.event({ type: 'message', user: 'U1', text: '!barrier', ts: nextTs(), channel: 'C1' });
    await fake.waitFor((c) => c.method === 'chat.postMessage');
    expect(h.received.map((m) => m.text)).toEqual(['!barrier']);
    expect(posts()).toHaveLength(1);
  });

  it('acks a slash command with the router reply as the HTTP response, and posts nothing itself', async () => {
    const r = await h.requests.command({ text: 'deploy &lt;prod&gt;', channel_id: 'C1', user_id: 'U1' });
    expect(r.status).toBe(200);
    const body = JSON.parse(r.body) as { response_type: string; text: string; blocks: unknown[] };
    expect(body).toMatchObject({ response_type: 'in_channel', text: 'ack: deploy &lt;prod&gt;' });
    expect(body.blocks.length).toBeGreaterThan(0);
    expect(h.received[0]).toMatchObject({
      text: 'deploy <prod>',
      mentioned: true,
      via: 'slash',
      userName: 'alice',
      channel: 'C1',
    });
    expect(h.received[0]?.thread).toBeUndefined();
    expect(posts()).toHaveLength(0);
  });

  it('refuses a bad signature and a stale timestamp with 401: no handler call, no Slack call', async () => {
    const bad = await h.requests.event(
      { type: 'message', user: 'U1', text: '!forged', ts: nextTs(), channel: 'C1' },
      { secret: 'wrong' },
    );
    const stale = await h.requests.event(
      { type: 'message', user: 'U1', text: '!replayed', ts: nextTs(), channel: 'C1' },
      { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 },
    );
    const cmd = await h.requests.command({ text: 'forged', channel_id: 'C1', user_id: 'U1' }, { secret: 'wrong' });
    expect([bad.status, stale.status, cmd.status]).toEqual([401, 401, 401]);
    await h.requests.event({ type: 'message', user: 'U1', text: '!barrier', ts: nextTs(), channel: 'C1' });
    await fake.waitFor((c) => c.method === 'chat.postMessage');
    expect(h.received.map((m) => m.text)).toEqual(['!barrier']);
    expect(fake.calls.map((c) => c.method)).toEqual(['chat.postMessage']);
  });

  it('refuses a timestamp 10 minutes in the future with 401 (issue 9, defect 9)', async () => {
    const future = await h.requests.event(
      { type: 'message', user: 'U1', text: '!from-the-future', ts: nextTs(), channel: 'C1' },
      { timestamp: Math.floor(Date.now() / 1000) + 10 * 60 },
    );
    expect(future.status).toBe(401);
    await h.requests.event({ type: 'message', user: 'U1', text: '!barrier', ts: nextTs(), channel: 'C1' });
    await fake.waitFor((c) => c.method === 'chat.postMessage');
    expect(h.received.map((m) => m.text)).toEqual(['!barrier']);
  });

  it('runs a message once when it arrives under different event ids (issue 9, defect 9)', async () => {
    const event = { type: 'message', user: 'U1', text: '!restart db', ts: nextTs(), channel: 'C1' };
    await h.requests.event(event, { eventId: 'EvONE' });
    await fake.waitFor((c) => c.method === 'chat.postMessage');
    await h.requests.event(event, { eventId: 'EvTWO' });
    await h.requests.event(event, { eventId: 'EvTHREE' });
    await h.requests.event({ ...event, channel: 'C2' }, { eventId: 'EvFOUR' });
    await h.requests.event({ type: 'message', user: 'U1', text: '!barrier', ts: nextTs(), channel: 'C1' });
    await fake.waitForCount('chat.postMessage', 3);
    expect(h.received.map((m) => `${m.channel} ${m.text}`)).toEqual([
      'C1 !restart db',
      'C2 !restart db',
      'C1 !barrier',
    ]);
  });

  it('runs a command once when Slack retries the same event (X-Slack-Retry-Num)', async () => {
    const event = { type: 'message', user: 'U1', text: '!restart web', ts: nextTs(), channel: 'C1' };
    const first = await h.requests.event(event, { eventId: 'EvRETRY' });
    await fake.waitFor((c) => c.method === 'chat.postMessage');
    const retry1 = await h.requests.event(event, { eventId: 'EvRETRY', retryNum: 1 });
    const retry2 = await h.requests.event(event, { eventId: 'EvRETRY', retryNum: 2 });
    expect([first.status, retry1.status, retry2.status]).toEqual([200, 200, 200]);
    await h.requests.event({ type: 'message', user: 'U1', text: '!barrier', ts: nextTs(), channel: 'C1' });
    await fake.waitForCount('chat.postMessage', 2);
    expect(h.received.map((m) => m.text)).toEqual(['!restart web', '!barrier']);
  });

  it('posts buttons as Block Kit and routes a click to the action handler', async () => {
    const ref = await h.adapter.post(
      { platform: 'slack', channel: 'C1', thread: '1.1' },
      {
        text: 'Approve deploy?',
        buttons: [
          { id: 'approve', label: 'Approve', value: 'inq-1:yes', style: 'primary' },
          { id: 'deny', label: 'Deny', value: 'inq-1:no', style: 'danger' },
        ],
      },
    );
    const call = await fake.waitFor((c) => c.method === 'chat.postMessage');
    const blocks = call.args.blocks as {
      type: string;
      elements?: { action_id: string; value: string; style?: string }[];
    }[];
    const actions = blocks.find((b) => b.type === 'actions');
    expect(actions?.elements?.map((e) => [e.action_id, e.value, e.style])).toEqual([
      ['squall:approve', 'inq-1:yes', 'primary'],
      ['squall:deny', 'inq-1:no', 'danger'],
    ]);
    expect(ref).toMatchObject({ platform: 'slack', channel: 'C1', thread: '1.1' });

    const r = await h.requests.action({
      channel: 'C1',
      user: 'U2',
      action_id: 'squall:approve',
      value: 'inq-1:yes',
      message_ts: ref.id,
      thread_ts: '1.1',
    });
    expect(r.status).toBe(200);
    await expect.poll(() => h.actions.length).toBe(1);
    expect(h.actions[0]).toEqual({
      platform: 'slack',
      channel: 'C1',
      thread: '1.1',
      user: 'U2',
      actionId: 'approve',
      value: 'inq-1:yes',
      messageRef: { platform: 'slack', channel: 'C1', thread: '1.1', id: ref.id },
    });
  });

  it('edits the ack into the result with chat.update, and tells the onPosted hook where the ack is', async () => {
    let ackRef: unknown;
    h.answer = (m) => ({
      message: { text: `running ${m.text}` },
      onPosted: async (ref) => {
        ackRef = ref;
      },
    });
    const ts = nextTs();
    await h.requests.event({ type: 'app_mention', user: 'U1', text: '<@UBOT> uptime', ts, channel: 'C1' });
    await fake.waitFor((c) => c.method === 'chat.postMessage');
    await expect.poll(() => ackRef).toBeDefined();
    const ack = fake.ok('chat.postMessage')[0];
    expect(ackRef).toEqual({ platform: 'slack', channel: 'C1', thread: ts, id: expect.any(String) });
    await h.adapter.update(ackRef as never, { text: 'up 3 days', tone: 'success' });
    const upd = await fake.waitFor((c) => c.method === 'chat.update');
    expect(upd.args).toMatchObject({
      channel: 'C1',
      ts: (ackRef as { id: string }).id,
      text: ':white_check_mark: up 3 days',
    });
    expect(ack?.args.text).toBe('running uptime');
  });

  it('replies at the top level in a channel whose override turns threads off', async () => {
    await h.stop();
    h = await new HttpHarness(fake, store).start({ channels: { C9: { reply_in_thread: false } } });
    await h.requests.event({ type: 'message', user: 'U1', text: '!status', ts: nextTs(), channel: 'C9' });
    const call = await fake.waitFor((c) => c.method === 'chat.postMessage');
    expect(call.args.thread_ts).toBeUndefined();
    expect(h.received[0]?.thread).toBeUndefined();
  });

  it('adds the user email from users.info when identity_by_email is on, asking Slack once per user', async () => {
    await h.stop();
    fake.users.U1 = { name: 'alice', email: 'alice@example.com' };
    h = await new HttpHarness(fake, store).start({ identity_by_email: true });
    await h.requests.event({ type: 'message', user: 'U1', text: '!one', ts: nextTs(), channel: 'C1' });
    await fake.waitForCount('chat.postMessage', 1);
    await h.requests.event({ type: 'message', user: 'U1', text: '!two', ts: nextTs(), channel: 'C1' });
    await fake.waitForCount('chat.postMessage', 2);
    expect(h.received.map((m) => m.userEmail)).toEqual(['alice@example.com', 'alice@example.com']);
    expect(fake.ok('users.info')).toHaveLength(1);
  });

  it('answers 404 for a /slack path it does not serve, and url_verification with the challenge', async () => {
    expect((await fetch(`${h.baseUrl}/slack/other`, { method: 'POST' })).status).toBe(404);
    const r = await h.requests.raw(JSON.stringify({ type: 'url_verification', challenge: 'abc', token: 'x' }));
    expect(JSON.parse(r.body)).toEqual({ challenge: 'abc' });
  });
  it('answers 400 to a signed body that is not an object, and drops events with fields of the wrong type', async () => {
    // Bolt reads `body.ssl_check` on a `null` body outside any try: that used to stop the process.
    expect((await h.requests.raw('null')).status).toBe(400);
    expect((await h.requests.raw('42')).status).toBe(400);
    const odd = await h.requests.event({
      type: 'message',
      user: 'U1',
      text: '!odd',
      ts: nextTs(),
      channel: { id: 'C1' },
    });
    expect(odd.status).toBe(200);
    await h.requests.event({ type: 'message', user: 'U1', text: '!barrier', ts: nextTs(), channel: 'C1' });
    await fake.waitFor((c) => c.method === 'chat.postMessage');
    expect(h.received.map((m) => m.text)).toEqual(['!barrier']);
  });
});
