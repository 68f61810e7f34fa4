import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdapterRegistry } from '../../bot/adapter-registry.js';
import { ChatActions } from '../../bot/chat-actions.js';
import type { ChatAction } from '../../bot/chat-adapter.js';
import { DiscordAdapter } from '../../bot/discord/discord-adapter.js';
import { resolveDiscordConfig } from '../../bot/discord/discord-config.js';
import { customId } from '../../bot/discord/discord-format.js';
import type { ChatIdentity } from '../../bot/identity.js';
import { silentLogger } from '../../engine/logger.js';
import type { Store } from '../../engine/store/store.js';
import { ALICE, CHANNEL, type DiscordCall, FakeDiscord } from '../fakes/discord/fake-discord.js';
import { openStore, tempDir } from './slack/slack-harness.js';

/**
 * Button clicks through a real adapter (Discord's, against its fake) into ChatActions: the clicker
 * is mapped to a Squall user before any handler runs.
 */
describe('chat button clicks', () => {
  let dir: ReturnType<typeof tempDir>;
  let fake: FakeDiscord;
  let store: Store;
  let adapter: DiscordAdapter;
  let clicks: { a: ChatAction; who: ChatIdentity }[];

  beforeEach(async () => {
    dir = tempDir();
    fake = await FakeDiscord.start();
    store = await openStore(dir.path);
    await store.users.create({
      name: 'alice',
      roles: ['operator'],
      enabled: true,
      nicknames: {},
      created_at: new Date().toISOString(),
    });
    const adapters = new AdapterRegistry();
    adapter = new DiscordAdapter(resolveDiscordConfig({ token: 't', api_url: fake.apiUrl }, {}), {
      store,
      logger: silentLogger,
    });
    adapters.add(adapter);
    const actions = new ChatActions({
      store,
      adapters,
      logger: silentLogger,
      options: { users: { discord: { [ALICE.id]: 'alice' } }, defaultRole: 'none' },
    });
    clicks = [];
    actions.register('approve', async (a, who) => {
      clicks.push({ a, who });
      return { text: `Approved by ${who.user}.` };
    });
    adapter.onMessage(async () => undefined);
    adapter.onAction((a) => actions.handle(a));
    await adapter.start();
  });
  afterEach(async () => {
    await adapter.stop();
    await store.close();
    await fake.close();
    dir.remove();
  });

  const shows = (text: string) => (c: DiscordCall) => c.status === 200 && String(c.body.content).includes(text);

  it('passes a mapped user\u2019s click to the button\u2019s handler with their Squall identity', async () => {
    const ref = await adapter.post(
      { platform: 'discord', channel: CHANNEL },
      { text: 'Approve?', buttons: [{ id: 'approve', label: 'Approve', value: 'inq-1:yes' }] },
    );
    fake.click(customId('approve', 'inq-1:yes'), ref.id);
    await fake.waitFor(shows('Approved by alice.'));
    expect(clicks).toHaveLength(1);
    expect(clicks[0]?.who).toMatchObject({ user: 'alice', roles: ['operator'] });
    expect(clicks[0]?.a).toMatchObject({ actionId: 'approve', value: 'inq-1:yes', user: ALICE.id });
  });

  it('refuses a click by someone it does not know, naming their id, and runs nothing', async () => {
    const ref = await adapter.post(
      { platform: 'discord', channel: CHANNEL },
      { text: 'Approve?', buttons: [{ id: 'approve', label: 'Approve', value: 'inq-2:yes' }] },
    );
    fake.click(customId('approve', 'inq-2:yes'), ref.id, { id: '666', username: 'mallory' });
    const reply = await fake.waitFor(shows("don't know you"));
    expect(String(reply.body.content)).toContain('666');
    expect(clicks).toEqual([]);
  });

  it('says so when a button is no longer handled', async () => {
    const ref = await adapter.post(
      { platform: 'discord', channel: CHANNEL },
      { text: 'Old', buttons: [{ id: 'retired', label: 'Go', value: 'x' }] },
    );
    fake.click(customId('retired', 'x'), ref.id);
    await fake.waitFor(shows('no longer active'));
    expect(clicks).toEqual([]);
  });
});
