import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatAction, ChatMessage, ChatReply, PostedRef } from '../../../bot/chat-adapter.js';
import { DiscordAdapter } from '../../../bot/discord/discord-adapter.js';
import { type DiscordOptions, resolveDiscordConfig } from '../../../bot/discord/discord-config.js';
import { silentLogger } from '../../../engine/logger.js';
import type { Store } from '../../../engine/store/store.js';
import { APP_ID, BOT, CHANNEL, DM_CHANNEL, FakeDiscord } from '../../fakes/discord/fake-discord.js';
import { openStore, tempDir } from '../slack/slack-harness.js';

describe('Discord adapter (discord.js) against a fake REST API and gateway', () => {
  const dir = tempDir();
  let fake: FakeDiscord;
  let store: Store;
  let adapter: DiscordAdapter;
  let received: ChatMessage[];
  let actions: ChatAction[];

  async function start(over: DiscordOptions = {}): Promise<DiscordAdapter> {
    const a = new DiscordAdapter(resolveDiscordConfig({ token: 'fake-token', api_url: fake.apiUrl, ...over }, {}), {
      store,
      logger: silentLogger,
    });
    a.onMessage(async (m): Promise<ChatReply> => {
      received.push(m);
      return { message: { text: `ack: ${m.text}` } };
    });
    a.onAction(async (x) => {
      actions.push(x);
    });
    await a.start();
    return a;
  }

  beforeEach(async () => {
    fake = await FakeDiscord.start();
    store = await openStore(dir.path);
    received = [];
    actions = [];
    adapter = await start();
  });
  afterEach(async () => {
    await adapter.stop();
    await store.close();
    await fake.close();
  });

  it('identifies with the intents it needs and registers /squall at start', async () => {
    expect(fake.identifies[0]?.intents).toBe(1 | (1 << 9) | (1 << 12));
    const reg = await fake.waitFor((c) => c.method === 'PUT' && c.route === `/applications/${APP_ID}/commands`);
    expect(JSON.stringify(reg.body)).toContain('"name":"command"');
  });

  it('takes a command by mention, strips the mention and replies to the message', async () => {
    const id = fake.message(`<@${BOT.id}> run echo hi`);
    const ack = await fake.waitFor((c) => c.method === 'POST' && c.route === `/channels/${CHANNEL}/messages`);
    expect(received[0]).toMatchObject({
      platform: 'discord',
      text: 'run echo hi',
      mentioned: true,
      direct: false,
      user: '200',
    });
    expect(ack.body.content).toBe('ack: run echo hi');
    expect(ack.body.message_reference).toMatchObject({ message_id: id });
    expect(ack.auth).toBe('Bot fake-token');
  });

  // Not passing yet: discord.js emits no messageCreate for the fake's DM dispatch (uncached DM channel).
  it('takes a DM without a mention', async () => {
    fake.message('help', { dm: true });
    await fake.waitFor((c) => c.route === `/channels/${DM_CHANNEL}/messages`);
    expect(received[0]).toMatchObject({ text: 'help', direct: true, mentioned: false });
  });

  it('defers a slash command within Discord\u2019s 3 s and puts the ack in the deferred reply', async () => {
    const { id, token } = fake.slash('run uptime');
    const defer = await fake.waitFor((c) => c.route === `/interactions/${id}/${token}/callback`);
    expect(defer.body.type).toBe(5);
    const edit = await fake.waitFor(
      (c) => c.method === 'PATCH' && c.route === `/webhooks/${APP_ID}/${token}/messages/@original`,
    );
    expect(edit.body.content).toBe('ack: run uptime');
    expect(received[0]).toMatchObject({ via: 'slash', text: 'run uptime' });
  });

  it('keeps results within 2,000 characters, attaching long output as a file, unicode intact', async () => {
    const lines = Array.from({ length: 400 }, (_, i) => `línea ${i} 🚀`).join('\n');
    await adapter.post(
      { platform: 'discord', channel: CHANNEL, thread: '42' },
      { title: 'core.local succeeded', tone: 'success', text: '', code: lines },
    );
    const call = await fake.waitFor((c) => c.files.length > 0);
    expect(call.files[0]?.name).toBe('output.txt');
    expect(call.files[0]?.content).toContain('línea 0 🚀');
    const embed = (call.body.embeds as { description: string; title: string }[])[0];
    expect(embed?.title).toBe('core.local succeeded');
    expect(embed?.description.length).toBeLessThanOrEqual(4096);
    expect(embed?.description).toContain('línea 399 🚀');
  });

  it('waits out a 429 retry_after in the durable outbox and delivers once', async () => {
    fake.rateLimit(/^POST \/channels\/10\/messages$/, 0.3, 1);
    const sent = adapter.post({ platform: 'discord', channel: CHANNEL }, { text: 'after 429' });
    await fake.waitFor((c) => c.status === 429);
    // The message waits in the store, not in discord.js's memory: a restart now would still send it.
    for (let i = 0; i < 100 && (await store.outbox.pending('discord:'))[0]?.attempts !== 1; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect((await store.outbox.pending('discord:')).map((o) => o.attempts)).toEqual([1]);
    await sent;
    const calls = fake.calls.filter((c) => c.route === `/channels/${CHANNEL}/messages`);
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    // Retry-After said 1 s (Discord's header, rounded up from retry_after).
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(950);
    expect(await store.outbox.pending('discord:')).toEqual([]);
  });

  it('sends the result of a slash command as an interaction follow-up, later as a reply to the ack', async () => {
    const { id, token } = fake.slash('run uptime');
    await fake.waitFor((c) => c.method === 'PATCH' && c.route === `/webhooks/${APP_ID}/${token}/messages/@original`);
    expect(received[0]?.thread).toBe(id);
    await adapter.post({ platform: 'discord', channel: CHANNEL, thread: id }, { text: 'result one' });
    const followUp = await fake.waitFor((c) => c.body.content === 'result one');
    expect(followUp).toMatchObject({ method: 'POST', route: `/webhooks/${APP_ID}/${token}` });
    // Discord takes the interaction token for 15 minutes; after that the result is a channel reply.
    const mark = (await store.marks.get(`discord:slash:${id}`)) as Record<string, unknown>;
    const ackId = String(mark.ack_id);
    await store.marks.set(`discord:slash:${id}`, { ...mark, token_expires_at: new Date(0).toISOString() } as never);
    await adapter.post({ platform: 'discord', channel: CHANNEL, thread: id }, { text: 'result two' });
    const late = await fake.waitFor((c) => c.body.content === 'result two');
    expect(late.route).toBe(`/channels/${CHANNEL}/messages`);
    expect(late.body.message_reference).toMatchObject({ message_id: ackId });
  });

  it('edits a slash command\u2019s ack through the interaction webhook', async () => {
    let posted: PostedRef | undefined;
    received.length = 0;
    adapter.onMessage(async () => ({
      message: { text: 'Running uptime' },
      onPosted: async (ref) => {
        posted = ref;
      },
    }));
    const { token } = fake.slash('run uptime');
    await fake.waitFor((c) => c.body.content === 'Running uptime');
    for (let i = 0; i < 100 && !posted; i++) await new Promise((r) => setTimeout(r, 10));
    await adapter.update(posted!, { text: 'uptime: 3 days', tone: 'success' });
    const edit = await fake.waitFor((c) => c.body.content === 'uptime: 3 days');
    expect(edit).toMatchObject({ method: 'PATCH', route: `/webhooks/${APP_ID}/${token}/messages/@original` });
  });

  it('renders buttons as components and passes clicks to onAction with who clicked', async () => {
    const ref = await adapter.post(
      { platform: 'discord', channel: CHANNEL },
      { text: 'Approve?', buttons: [{ id: 'approve', label: 'Approve', value: 'ex-1', style: 'primary' }] },
    );
    const call = await fake.waitFor((c) => c.body.components !== undefined);
    expect(JSON.stringify(call.body.components)).toContain('squall:approve:ex-1');
    fake.click('squall:approve:ex-1', ref.id);
    await fake.waitFor((c) => c.route.endsWith('/callback') && c.body.type === 6);
    for (let i = 0; i < 100 && actions.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(actions).toEqual([
      {
        platform: 'discord',
        channel: CHANNEL,
        user: '200',
        actionId: 'approve',
        value: 'ex-1',
        messageRef: { platform: 'discord', channel: CHANNEL, id: ref.id },
      },
    ]);
  });

  // Not passing yet: the session resumes (op 6 seen) but later dispatches are not handled.
  it('resumes the gateway session after a drop and keeps taking commands', async () => {
    fake.dropGateway(4000);
    const start = Date.now();
    while (fake.resumes.length === 0 && Date.now() - start < 8000) await new Promise((r) => setTimeout(r, 50));
    expect(fake.resumes[0]).toMatchObject({ session_id: 'session-1' });
    fake.message(`<@${BOT.id}> status`);
    await fake.waitFor((c) => c.body.content === 'ack: status', 8000);
  });

  it('edits a posted message', async () => {
    const ref = await adapter.post({ platform: 'discord', channel: CHANNEL }, { text: 'first' });
    await adapter.update(ref, { text: 'second' });
    const patch = await fake.waitFor((c) => c.method === 'PATCH');
    expect(patch.route).toBe(`/channels/${CHANNEL}/messages/${ref.id}`);
    expect(patch.body.content).toBe('second');
  });
});
