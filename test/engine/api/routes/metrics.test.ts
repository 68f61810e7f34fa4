import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../../app/start-server.js';
import { readCredentials } from '../../../../engine/auth/credentials.js';
import { silentLogger } from '../../../../engine/logger.js';

async function start(dir: string, metricsPublic?: boolean): Promise<RunningServer> {
  return startServer({
    dataDir: dir,
    config: {
      api: { host: '127.0.0.1', port: 0 },
      chat: { shell: false },
      log: { level: 'silent' },
      ...(metricsPublic !== undefined ? { metrics: { public: metricsPublic } } : {}),
    },
    logger: silentLogger,
  });
}

/** The value of one series (name plus its exact label set) in Prometheus' text format. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  let dir: string;
  let server: RunningServer;
  let key: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'squall-metrics-'));
    server = await start(dir);
    key = (await readCredentials(dir))?.api_key ?? '';
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const scrape = async (headers: Record<string, string> = { 'St2-Api-Key': key }) =>
    fetch(`${server.url}/metrics`, { headers });

  it('needs credentials like the API', async () => {
    const res = await scrape({});
    expect(res.status).toBe(401);
  });

  it('counts executions by action and status and observes their latency', async () => {
    const before = await (await scrape()).text();
    const runs = await fetch(`${server.url}/api/v1/executions`, {
      method: 'POST',
      headers: { 'St2-Api-Key': key, 'Content-Type': 'application/json' },
      body: JSON.stringify({ action: 'core.noop', parameters: {} }),
    });
    expect(runs.status).toBe(201);
    const { id } = (await runs.json()) as { id: string };
    await server.core.waiters.wait(id, 10_000);

    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    const succeeded = 'squall_executions_total{action="core.noop",status="succeeded"}';
    expect(sample(text, succeeded)).toBe((sample(before, succeeded) ?? 0) + 1);
    expect(sample(text, 'squall_executions_total{action="core.noop",status="requested"}')).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'squall_execution_duration_seconds_count{runner="noop",status="succeeded"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'squall_execution_queue_depth{status="requested"}')).toBe(0);
    expect(sample(text, 'squall_execution_queue_oldest_age_seconds')).toBe(0);
    expect(sample(text, 'squall_runner_slots_in_use')).toBe(0);
    expect(sample(text, 'squall_runner_slots')).toBe(64);
    for (const name of [
      'squall_rule_evaluations_total',
      'squall_chat_messages_received_total',
      'squall_chat_messages_sent_total',
      'squall_chat_ack_latency_seconds',
      'squall_bus_reconnects_total',
      'squall_store_errors_total',
      'squall_process_cpu_seconds_total',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });
});

describe('GET /metrics with metrics.public: true', () => {
  it('answers without credentials', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'squall-metrics-public-'));
    const server = await start(dir, true);
    try {
      const res = await fetch(`${server.url}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('# TYPE squall_executions_total counter');
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
