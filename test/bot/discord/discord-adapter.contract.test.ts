import { DiscordAdapter } from '../../../bot/discord/discord-adapter.js';
import { resolveDiscordConfig } from '../../../bot/discord/discord-config.js';
import { customId } from '../../../bot/discord/discord-format.js';
import { silentLogger } from '../../../engine/logger.js';
import { chatAdapterContract } from '../../contract/chat-adapter.contract.js';
import { ALICE, BOT, CHANNEL, type DiscordCall, FakeDiscord } from '../../fakes/discord/fake-discord.js';
import { openStore, tempDir } from '../slack/slack-harness.js';

/** Whether a successful post or edit shows `text` (content, embeds or an attached file). */
function shows(c: DiscordCall, text: string): boolean {
  if (c.status !== 200 || !/^\/(channels|webhooks)\//.test(c.route)) return false;
  if (c.method !== 'POST' && c.method !== 'PATCH') return false;
  const seen = JSON.stringify([c.body.content ?? '', c.body.embeds ?? []]);
  return seen.includes(JSON.stringify(text).slice(1, -1)) || c.files.some((f) => f.content.includes(text));
}

chatAdapterContract('Discord (discord.js, against the fake Discord)', async () => {
  const dir = tempDir();
  const fake = await FakeDiscord.start();
  const store = await openStore(dir.path);
  const adapter = new DiscordAdapter(
    resolveDiscordConfig({ token: 'contract-token', api_url: fake.apiUrl, retry_base_ms: 20, retry_max_ms: 200 }, {}),
    { store, logger: silentLogger },
  );
  return {
    adapter,
    user: ALICE.id,
    channel: CHANNEL,
    ready: () => fake.waitForGateway(),
    async say(text) {
      fake.message(`<@${BOT.id}> ${text}`);
    },
    async shown(text) {
      const c = await fake.waitFor((call) => shows(call, text), 10_000);
      const ref = (c.body.message_reference as { message_id?: string } | undefined)?.message_id;
      const edited = c.method === 'PATCH' ? /\/messages\/([^/]+)$/.exec(c.route)?.[1] : undefined;
      return { ...(ref ? { thread: ref } : {}), ...(edited ? { id: edited } : {}) };
    },
    async click(ref, buttonId, value) {
      fake.click(customId(buttonId, value), ref.id);
    },
    async close() {
      await store.close();
      await fake.close();
      dir.remove();
    },
  };
});
