import { statSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../app/start-server.js';
import type { SquallOptions } from '../engine/config/config-schema.js';
import { silentLogger } from '../engine/logger.js';
import { actionTriggerId } from '../engine/model/action-trigger.js';
import { deleteAmqpTopology, ENGINE_GROUPS } from '../test/support/amqp-teardown.js';
import { latencyMetrics, type Metric, round, tempDir } from './bench-util.js';

type Server = Awaited<ReturnType<typeof startServer>>;

function start(config: SquallOptions, dataDir: string): Promise<Server> {
  return startServer({
    dataDir,
    config: { ...config, api: { port: 0 }, log: { level: 'silent' }, chat: { shell: false } },
    logger: silentLogger,
  });
}

async function withEngine<T>(config: SquallOptions, fn: (s: Server) => Promise<T>): Promise<T> {
  const dir = tempDir('squall-bench-');
  const s = await start(config, dir.path);
  try {
    return await fn(s);
  } finally {
    await s.close();
    dir.remove();
  }
}

/**
 * SQLite file growth per `core.noop` execution: 10,000 of them on a data dir that already holds a
 * warm-up's, everything an execution leaves counted (its row, stream events, the actiontrigger
 * instance the notifier stores, markers). Sizes are read with the server stopped, so the WAL has
 * been checkpointed into the file.
 */
async function storeBytesPerExec(): Promise<number> {
  const dir = tempDir('squall-bench-');
  const file = join(dir.path, 'squall.db');
  try {
    let s = await start({}, dir.path);
    await throughput(s, 500, 'core.noop', {}, 64);
    await s.close();
    const before = statSync(file).size;
    s = await start({}, dir.path);
    const n = 10_000;
    const { lastId } = await throughput(s, n, 'core.noop', {}, 64);
    // The notifier and the rules role finish behind the executions: wait for the last one's trigger.
    const trigger = actionTriggerId(lastId);
    for (let i = 0; i < 600; i++) {
      if ((await s.core.store.triggerInstances.get(trigger))?.status === 'processed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 500));
    await s.close();
    return (statSync(file).size - before) / n;
  } finally {
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
): Promise<{ perS: number; failed: number; lastId: string }> {
  const { executions } = s.core;
  let next = 0;
  let failed = 0;
  let lastId = '';
  const t0 = performance.now();
  async function lane(): Promise<void> {
    while (next < n) {
      next++;
      const e = await executions.request({ action, parameters, context: { user: 'bench' } });
      lastId = e.id;
      const done = await executions.waitForTerminal(e.id, 120_000);
      if (done?.status !== 'succeeded') failed++;
    }
  }
  await Promise.all(Array.from({ length: inFlight }, lane));
  const secs = (performance.now() - t0) / 1000;
  return { perS: n / secs, failed, lastId };
}

/** `exec_noop_per_s` alone: 10,000 `core.noop` on an embedded server (for benches that compare to it). */
export async function embeddedNoopPerS(): Promise<number> {
  return withEngine({}, async (s) => {
    await throughput(s, 500, 'core.noop', {}, 64);
    return (await throughput(s, 10_000, 'core.noop', {}, 256)).perS;
  });
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
  out.push({ metric: 'store_bytes_per_exec', value: Math.round(await storeBytesPerExec()), unit: 'bytes (core.noop)' });
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
