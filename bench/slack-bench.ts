import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SlackAdapter } from '../bot/slack/slack-adapter.js';
import { resolveSlackConfig } from '../bot/slack/slack-config.js';
import { silentLogger } from '../engine/logger.js';
import { createSqliteStore } from '../engine/store/sqlite/sqlite-store.js';
import { FakeSlack } from '../test/fakes/slack/fake-slack.js';
import { SlackRequests } from '../test/fakes/slack/slack-requests.js';
import { latencyMetrics, type Metric, tempDir } from './bench-util.js';

const WARMUP = 50;
const SAMPLES = 400;

/**
 * Slack ack latency: a signed Events API request POSTed to the adapter's HTTP handler until the
 * ack message reaches the fake Slack's chat.postMessage. The handler answers at once, so this
 * measures the adapter alone: signature check, Bolt dispatch, dedup claim, outbox write to a SQLite
 * file, the Web API call and the outbox removal. Channel spacing is off (`min_interval_ms: 0`).
 */
export async function benchSlackAck(): Promise<Metric[]> {
  const dir = tempDir('squall-slack-bench-');
  const fake = await FakeSlack.start();
  const store = await createSqliteStore({ kind: 'sqlite', path: join(dir.path, 'bench.db') }, { logger: silentLogger });
  await store.init();
  const secret = 'bench-secret';
  const adapter = new SlackAdapter(
    resolveSlackConfig(
      {
        bot_token: 'xoxb-bench',
        signing_secret: secret,
        api_url: fake.apiUrl,
        mode: 'http',
        bot_user_id: 'UBOT',
        bot_id: 'BBOT',
        min_interval_ms: 0,
      },
      {},
    ),
    { store, logger: silentLogger },
  );
  adapter.onMessage(async (m) => ({ message: { text: `ack ${m.text}` } }));
  const server = createServer(adapter.httpHandler);
  try {
    await adapter.start();
    await adapter.whenReady();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const requests = new SlackRequests(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
      secret,
    );
    const times: number[] = [];
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const text = `!bench ${i}`;
      const arrived = fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.text === `ack ${text}`, 10_000);
      const t0 = performance.now();
      await requests.event({
        type: 'message',
        channel_type: 'channel',
        user: 'U1',
        text,
        ts: `1700000000.${i}`,
        channel: `C${i % 8}`,
      });
      await arrived;
      if (i >= WARMUP) times.push(performance.now() - t0);
      fake.calls.length = 0; // keeps the fake's lookups short
    }
    return latencyMetrics('slack_ack', times);
  } finally {
    await adapter.stop();
    server.closeAllConnections();
    server.close();
    await store.close();
    await fake.close();
    dir.remove();
  }
}
