import { join } from 'node:path';
import { DiscordAdapter } from '../bot/discord/discord-adapter.js';
import { resolveDiscordConfig } from '../bot/discord/discord-config.js';
import { silentLogger } from '../engine/logger.js';
import { createSqliteStore } from '../engine/store/sqlite/sqlite-store.js';
import { BOT, FakeDiscord } from '../test/fakes/discord/fake-discord.js';
import { latencyMetrics, type Metric, tempDir } from './bench-util.js';

const WARMUP = 50;
const SAMPLES = 400;
/**
 * Discord allows a bot 50 requests a second in all, and discord.js (rightly) holds requests back
 * past that; commands come at most every 25 ms here so that the figure is the adapter's latency,
 * not that global limit's queue.
 */
const SPACING_MS = 25;

/**
 * Discord ack latency: a MESSAGE_CREATE dispatched on the fake gateway until the ack reaches the
 * fake REST API's `POST /channels/{id}/messages`. This measures the adapter: discord.js's gateway
 * handling, the dedup claim, the outbox write to a SQLite file, the REST call (with discord.js's
 * bucket bookkeeping) and the outbox removal. Run with `npm run bench` (about 12 s).
 */
export async function benchDiscordAck(): Promise<Metric[]> {
  const dir = tempDir('squall-discord-bench-');
  const fake = await FakeDiscord.start();
  const store = await createSqliteStore({ kind: 'sqlite', path: join(dir.path, 'bench.db') }, { logger: silentLogger });
  await store.init();
  const adapter = new DiscordAdapter(resolveDiscordConfig({ token: 'bench-token', api_url: fake.apiUrl }, {}), {
    store,
    logger: silentLogger,
  });
  adapter.onMessage(async (m) => ({ message: { text: `ack ${m.text}` } }));
  try {
    await adapter.start();
    await fake.waitForGateway();
    const times: number[] = [];
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const text = `bench ${i}`;
      const arrived = fake.waitFor((c) => c.method === 'POST' && c.body.content === `ack ${text}`, 10_000);
      const t0 = performance.now();
      fake.message(`<@${BOT.id}> ${text}`);
      await arrived;
      if (i >= WARMUP) times.push(performance.now() - t0);
      fake.calls.length = 0; // keeps the fake's lookups short
      const wait = SPACING_MS - (performance.now() - t0);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    return latencyMetrics('discord_ack', times);
  } finally {
    await adapter.stop();
    await store.close();
    await fake.close();
    dir.remove();
  }
}
