import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { TeamsAdapter } from '../bot/teams/teams-adapter.js';
import { resolveTeamsConfig } from '../bot/teams/teams-config.js';
import { silentLogger } from '../engine/logger.js';
import { createSqliteStore } from '../engine/store/sqlite/sqlite-store.js';
import { channelMessage, postActivity } from '../test/fakes/bot-framework/activities.js';
import { activityText, FakeConnector } from '../test/fakes/bot-framework/fake-connector.js';
import { latencyMetrics, type Metric, tempDir } from './bench-util.js';

const WARMUP = 50;
const SAMPLES = 400;

/**
 * Teams ack latency: a Bot Framework Activity POSTed to the adapter's `/api/messages` handler until
 * the ack reaches the fake connector. Anonymous mode, so the JWT check is not measured (it is a
 * cached-key signature check in production); this measures the adapter: botbuilder's turn, the
 * stored conversation reference, the dedup claim, the outbox write to a SQLite file, the
 * connector call and the outbox removal. Conversation spacing is off (`min_interval_ms: 0`).
 */
export async function benchTeamsAck(): Promise<Metric[]> {
  const dir = tempDir('squall-teams-bench-');
  const fake = await FakeConnector.start();
  const store = await createSqliteStore({ kind: 'sqlite', path: join(dir.path, 'bench.db') }, { logger: silentLogger });
  await store.init();
  const adapter = new TeamsAdapter(resolveTeamsConfig({ min_interval_ms: 0 }, { SQUALL_TEAMS_ANONYMOUS: '1' }), {
    store,
    logger: silentLogger,
  });
  adapter.onMessage(async (m) => ({ message: { text: `ack ${m.text}` } }));
  const server = createServer(adapter.httpHandler);
  try {
    await adapter.start();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
    const times: number[] = [];
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const text = `bench ${i}`;
      const arrived = fake.waitFor((c) => c.verb === 'POST' && activityText(c.body) === `ack ${text}`, 10_000);
      const t0 = performance.now();
      await postActivity(
        endpoint,
        channelMessage({ serviceUrl: fake.url, text, id: `bench-${i}`, conversationId: `19:bench-${i % 8}` }),
      );
      await arrived;
      if (i >= WARMUP) times.push(performance.now() - t0);
      fake.calls.length = 0; // keeps the fake's lookups short
    }
    return latencyMetrics('teams_ack', times);
  } finally {
    await adapter.stop();
    server.closeAllConnections();
    server.close();
    await store.close();
    await fake.close();
    dir.remove();
  }
}
