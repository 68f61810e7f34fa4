import { setTimeout as sleep } from 'node:timers/promises';
import { startServer } from '../app/start-server.js';
import { silentLogger } from '../engine/logger.js';
import { Cluster } from '../test/support/cluster.js';
import { type Metric, round } from './bench-util.js';
import { embeddedNoopPerS } from './engine-bench.js';

type Server = Awaited<ReturnType<typeof startServer>>;

/**
 * Submits `n` `core.noop` executions from this process (the API role's execution service, as the
 * embedded figure does) keeping at most `inFlight` unfinished, while the scheduler and runner
 * processes move them; done when the store counts `n` more succeeded.
 */
async function clusterThroughput(s: Server, n: number, inFlight: number): Promise<number> {
  const { executions, store } = s.core;
  const succeeded = async () => (await store.executions.countByStatus()).succeeded ?? 0;
  const base = await succeeded();
  let done = 0;
  let submitted = 0;
  const t0 = performance.now();
  const watcher = (async () => {
    while (done < n) {
      await sleep(20);
      done = (await succeeded()) - base;
    }
  })();
  while (submitted < n) {
    if (submitted - done >= inFlight) {
      await sleep(5);
      continue;
    }
    const batch = Math.min(64, n - submitted, inFlight - (submitted - done));
    submitted += batch;
    await Promise.all(
      Array.from({ length: batch }, () => executions.request({ action: 'core.noop', context: { user: 'bench' } })),
    );
  }
  await watcher;
  return n / ((performance.now() - t0) / 1000);
}

/**
 * `exec_noop_per_s_cluster`: the multi-process setup of test/app/cluster (one SQLite file in WAL mode,
 * RabbitMQ) with two scheduler processes, three runner processes and one process of notifier,
 * workflow and rules engine; this process runs the API role and submits. Also prints the ratio to
 * the embedded figure of the same run (`embeddedPerS`, measured here when not given).
 */
export async function benchCluster(opts: { amqpUrl: string; embeddedPerS?: number }): Promise<Metric[]> {
  const embedded = opts.embeddedPerS ?? (await embeddedNoopPerS());
  const cluster = new Cluster({ amqpUrl: opts.amqpUrl, logLevel: 'error' });
  let s: Server | undefined;
  try {
    await cluster.prepare();
    s = await startServer({ dataDir: cluster.dir.path, port: 0, roles: ['api'], logger: silentLogger });
    await Promise.all([
      cluster.spawn('scheduler-1', ['scheduler']),
      cluster.spawn('scheduler-2', ['scheduler']),
      cluster.spawn('runner-1', ['runner']),
      cluster.spawn('runner-2', ['runner']),
      cluster.spawn('runner-3', ['runner']),
      cluster.spawn('events', ['notifier', 'workflow', 'rules']),
    ]);
    await clusterThroughput(s, 500, 256); // warm-up
    const perS = await clusterThroughput(s, 5000, 512);
    return [
      { metric: 'exec_noop_per_s_cluster', value: round(perS, 0), unit: 'executions/s' },
      { metric: 'exec_noop_cluster_to_embedded', value: round(perS / embedded, 2), unit: 'ratio' },
    ];
  } finally {
    await s?.close();
    await cluster.close();
  }
}
