import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatAction, ChatMessage } from '../../../bot/chat-adapter.js';
import { SlackAdapter } from '../../../bot/slack/slack-adapter.js';
import { resolveSlackConfig, type SlackOptions } from '../../../bot/slack/slack-config.js';
import { silentLogger } from '../../../engine/logger.js';
import type { Store } from '../../../engine/store/store.js';
import { FakeSlack } from '../../fakes/slack/fake-slack.js';
import { blockActions, eventCallback, nextTs } from '../../fakes/slack/slack-requests.js';
import { openStore, tempDir, testConfig } from './slack-harness.js';

describe('Slack adapter, Socket Mode and start-up, against the fake Slack', () => {
  let fake: FakeSlack;
  let store: Store;
  let dir: ReturnType<typeof tempDir>;
  let adapter: SlackAdapter | undefined;
  let received: ChatMessage[];
  let actions: ChatAction[];

  const make = (over: SlackOptions) => {
    adapter = new SlackAdapter(resolveSlackConfig(testConfig(fake, over), {}), { store, logger: silentLogger });
    adapter.onMessage(async (m) => {
      received.push(m);
      return { message: { text: `ack: ${m.text}` } };
    });
    adapter.onAction(async (a) => {
      actions.push(a);
    });
    return adapter;
  };
  const socket = { mode: 'socket', app_token: 'xapp-test' } as const;

  beforeEach(async () => {
    dir = tempDir();
    fake = await FakeSlack.start();
    store = await openStore(dir.path);
    received = [];
    actions = [];
  });

  afterEach(async () => {
    await adapter?.stop();
    adapter = undefined;
    await store.close();
    await fake.close();
    dir.remove();
  });

  it('connects with the app token, acks events_api envelopes and answers in the thread', async () => {
    const a = make(socket);
    await a.start();
    await a.whenReady();
    const open = fake.ok('apps.connections.open')[0];
    expect(open?.token).toBe('xapp-test');
    const ts = nextTs();
    const ack = await fake.sendEnvelope(
      'events_api',
      eventCallback({ type: 'app_mention', user: 'U1', text: '<@UBOT> ping', ts, channel: 'C1' }),
    );
    expect(ack ?? {}).toEqual({}); // acked, with no payload to give
    const post = await fake.waitFor((c) => c.method === 'chat.postMessage');
    expect(post.args).toMatchObject({ channel: 'C1', thread_ts: ts, text: 'ack: ping' });
    expect(post.token).toBe('xoxb-test');
    expect(received[0]).toMatchObject({ text: 'ping', mentioned: true });
  });

  it('acks a slash command envelope with the router reply as its payload', async () => {
    const a = make(socket);
    await a.start();
    await a.whenReady();
    const payload = await fake.sendEnvelope('slash_commands', {
      command: '/squall',
      text: 'status',
      user_id: 'U1',
      user_name: 'alice',
      channel_id: 'C1',
      channel_name: 'general',
      team_id: 'T1',
      api_app_id: 'A1',
      response_url: 'http://127.0.0.1:9/r',
      trigger_id: 't',
      token: 'legacy',
    });
    expect(payload).toMatchObject({ response_type: 'in_channel', text: 'ack: status' });
    expect(fake.ok('chat.postMessage')).toHaveLength(0);
  });

  it('routes a button click from an interactive envelope', async () => {
    const a = make(socket);
    await a.start();
    await a.whenReady();
    await fake.sendEnvelope(
      'interactive',
      blockActions({ channel: 'C1', user: 'U2', action_id: 'squall:deny', value: 'inq-7:no', message_ts: '1.5' }),
    );
    await expect.poll(() => actions.length).toBe(1);
    expect(actions[0]).toMatchObject({ actionId: 'deny', value: 'inq-7:no', user: 'U2', channel: 'C1' });
  });

  it('reconnects when Slack asks it to, and keeps receiving', async () => {
    const a = make(socket);
    await a.start();
    await a.whenReady();
    fake.sendDisconnect();
    await expect.poll(() => fake.ok('apps.connections.open').length, { timeout: 5000 }).toBe(2);
    await a.whenReady();
    await fake.waitForSocket();
    await fake.sendEnvelope(
      'events_api',
      eventCallback({ type: 'message', user: 'U1', text: '!again', ts: nextTs(), channel: 'C1' }),
    );
    await fake.waitFor((c) => c.method === 'chat.postMessage');
    expect(received.map((m) => m.text)).toEqual(['!again']);
  });

  it('starts while Slack is unreachable, logs and retries, and connects once Slack is back', async () => {
    fake.down();
    const a = make({ ...socket, bot_user_id: undefined, bot_id: undefined });
    await a.start(); // resolves although nothing answered
    let ready = false;
    void a.whenReady().then(() => {
      ready = true;
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(ready).toBe(false);
    fake.up();
    await a.whenReady();
    expect(fake.ok('auth.test')).toHaveLength(1);
    await fake.sendEnvelope(
      'events_api',
      eventCallback({ type: 'message', user: 'U1', text: '!late', ts: nextTs(), channel: 'C1' }),
    );
    await fake.waitFor((c) => c.method === 'chat.postMessage');
  });

  it('fails start-up with a clear error when Slack refuses the bot token', async () => {
    fake.fail('auth.test', { error: 'invalid_auth' });
    const a = make({ bot_user_id: undefined, bot_id: undefined });
    await expect(a.start()).rejects.toMatchObject({
      code: 'SQ_CONFIG_INVALID',
      message: 'slack.bot_token was refused by Slack (invalid_auth)',
    });
  });

  it('answers 503 in HTTP mode until it knows its identity, so that Slack retries', async () => {
    fake.down();
    const a = make({ bot_user_id: undefined, bot_id: undefined });
    await a.start();
    const { createServer } = await import('node:http');
    const server = createServer(a.httpHandler).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    const res = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(503);
    server.closeAllConnections();
    server.close();
    expect(received).toHaveLength(0);
  });
});
