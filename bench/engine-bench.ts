import { startServer } from '../app/start-server.js';
import type { SquallOptions } from '../engine/config/config-schema.js';
import { silentLogger } from '../engine/logger.js';
import { deleteAmqpTopology, ENGINE_GROUPS } from '../test/support/amqp-teardown.js';
import { latencyMetrics, type Metric, round, tempDir } from './bench-util.js';

async function withEngine<T>(
  config: SquallOptions,
  fn: (s: Awaited<ReturnType<typeof startServer>>) => Promise<T>,
): Promise<T> {
  const dir = tempDir('squall-bench-');
  const s = await startServer({
    dataDir: dir.path,
    config: { ...config, api: { port: 0 }, log: { level: 'silent' }, chat: { shell: false } },
    logger: silentLogger,
  });
  try {
    return await fn(s);
  } finally {
    await s.close();
    dir.remove();
  }
}

/** Submits `n` executions keeping `inFlight` outstanding, and waits for all to finish. */
async function throughput(
  s: Awaited<ReturnType<typeof startServer>>,
  n: number,
  action: string,
  parameters: Record<string, unknown>,
  inFlight: number,
): Promise<{ perS: number; failed: number }> {
  const { executions } = s.core;
  let next = 0;
  let failed = 0;
  const t0 = performance.now();
  async function lane(): Promise<void> {
    while (next < n) {
      next++;
      const e = await executions.request({ action, parameters, context: { user: 'bench' } });
      const done = await executions.waitForTerminal(e.id, 120_000);
      if (done?.status !== 'succeeded') failed++;
    }
  }
  await Promise.all(Array.from({ length: inFlight }, lane));
  const secs = (performance.now() - t0) / 1000;
  return { perS: n / secs, failed };
}

export async function benchEngine(opts: { amqpUrl?: string }): Promise<Metric[]> {
  const out: Metric[] = [];
  await withEngine({}, async (s) => {
    await throughput(s, 500, 'core.noop', {}, 64); // warm-up
    const noop = await throughput(s, 10_000, 'core.noop', {}, 256);
    out.push({ metric: 'exec_noop_per_s', value: round(noop.perS, 0), unit: 'executions/s' });
    if (noop.failed) out.push({ metric: 'exec_noop_failed', value: noop.failed, unit: 'executions' });

    const lat: number[] = [];
    for (let i = 0; i < 1200; i++) {
      const t0 = performance.now();
      const e = await s.core.executions.request({ action: 'core.noop', context: { user: 'bench' } });
      await s.core.executions.waitForTerminal(e.id, 10_000);
      if (i >= 200) lat.push(performance.now() - t0);
    }
    out.push(...latencyMetrics('exec_latency', lat, 3));

    const local = await throughput(s, 1000, 'core.local', { cmd: 'true' }, 32);
    out.push({ metric: 'exec_local_per_s', value: round(local.perS, 0), unit: 'executions/s' });
    if (local.failed) out.push({ metric: 'exec_local_failed', value: local.failed, unit: 'executions' });
  });
  if (opts.amqpUrl) {
    const prefix = `squallbench${process.pid}`;
    await withEngine({ bus: { kind: 'amqp', url: opts.amqpUrl, prefix } }, async (s) => {
      await throughput(s, 500, 'core.noop', {}, 64);
      const r = await throughput(s, 10_000, 'core.noop', {}, 256);
      out.push({ metric: 'exec_noop_per_s_amqp', value: round(r.perS, 0), unit: 'executions/s' });
      if (r.failed) out.push({ metric: 'exec_noop_amqp_failed', value: r.failed, unit: 'executions' });
    }).finally(() => deleteAmqpTopology(opts.amqpUrl!, prefix, ENGINE_GROUPS));
  }
  return out;
}
