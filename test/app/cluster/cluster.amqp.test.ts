import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../engine/logger.js';
import type { Execution } from '../../../engine/model/execution.js';
import { createSqliteStore } from '../../../engine/store/sqlite/sqlite-store.js';
import type { Store } from '../../../engine/store/store.js';
import { Cluster, type ClusterProcess } from '../../support/cluster.js';
import { waitFor } from '../../support/processes.js';

const url = process.env.SQUALL_TEST_AMQP_URL;
if (!url)
  console.warn('cluster test: skipped, set SQUALL_TEST_AMQP_URL to run Squall as separate processes on RabbitMQ');

const TERMINAL = ['succeeded', 'failed', 'timeout', 'canceled', 'abandoned'];

/** A pack whose rules the cluster registers at start: a webhook rule and a one-second interval timer. */
function writePack(root: string): void {
  const pack = join(root, 'clustertest');
  mkdirSync(join(pack, 'rules'), { recursive: true });
  writeFileSync(
    join(pack, 'pack.yaml'),
    'ref: clustertest\nname: clustertest\ndescription: cluster test\nversion: 1.0.0\nauthor: Squall tests\n',
  );
  writeFileSync(
    join(pack, 'rules', 'hook.yaml'),
    'name: hook\npack: clustertest\nenabled: true\ntrigger:\n  type: core.st2.webhook\n  parameters:\n    url: clustertest/hook\naction:\n  ref: core.echo\n  parameters:\n    message: "n={{ trigger.body.n }}"\n',
  );
  writeFileSync(
    join(pack, 'rules', 'tick.yaml'),
    'name: tick\npack: clustertest\nenabled: true\ntrigger:\n  type: core.st2.IntervalTimer\n  parameters:\n    unit: seconds\n    delta: 1\naction:\n  ref: core.noop\n',
  );
}

/**
 * Squall as a deployment runs it, each role set its own OS process: an API process (with notifier,
 * workflow and sensors), two schedulers, three runners and two processes of rules engine plus timers,
 * on RabbitMQ (through a proxy the test cuts) and one shared SQLite file in WAL mode.
 */
describe.skipIf(!url)('a cluster of Squall processes on RabbitMQ', () => {
  const cluster = new Cluster({
    amqpUrl: url ?? '',
    logLevel: 'info',
    yaml: (dir) =>
      [
        `packs:\n  paths: [${join(dir, 'packs')}]`,
        'executions:\n  heartbeat_interval: 0.5\n  abandon_after: 3\n  requeue_after: 3\n  sweep_interval: 1',
        'shutdown:\n  grace: 2',
        '',
      ].join('\n'),
  });
  const runners: ClusterProcess[] = [];
  let store: Store;

  beforeAll(async () => {
    await cluster.prepare();
    writePack(join(cluster.dir.path, 'packs'));
    await cluster.spawn('api', ['api', 'notifier', 'workflow', 'sensors']);
    const rest = await Promise.all([
      cluster.spawn('scheduler-1', ['scheduler']),
      cluster.spawn('scheduler-2', ['scheduler']),
      cluster.spawn('runner-1', ['runner']),
      cluster.spawn('runner-2', ['runner']),
      cluster.spawn('runner-3', ['runner']),
      cluster.spawn('rules-1', ['rules', 'timers']),
      cluster.spawn('rules-2', ['rules', 'timers']),
    ]);
    runners.push(...rest.filter((p) => p.name.startsWith('runner')));
    store = await createSqliteStore(
      { kind: 'sqlite', path: join(cluster.dir.path, 'squall.db') },
      { logger: silentLogger },
    );
    await store.init();
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await cluster.close();
  }, 60_000);

  const get = async (id: string) => (await store.executions.get(id)) as Execution;

  /** Submits `n` executions through the API, `lanes` at a time; every answer must be 201. */
  async function submit(n: number, action: string, parameters: Record<string, unknown> = {}, lanes = 16) {
    const ids: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (next < n) {
          next++;
          const r = await cluster.call<{ id: string }>('POST', '/api/v1/executions', { action, parameters });
          expect(r.status).toBe(201);
          ids.push(r.body.id);
        }
      }),
    );
    return ids;
  }

  async function allTerminal(ids: string[], ms: number): Promise<Execution[]> {
    return waitFor(
      async () => {
        const es = await Promise.all(ids.map(get));
        return es.every((e) => TERMINAL.includes(e.status)) ? es : undefined;
      },
      ms,
      `${ids.length} executions to end`,
    );
  }

  it('lists every process in GET /api/v1/status, with one holder of the timers lease', async () => {
    const status = await waitFor(
      async () => {
        const { body } = await cluster.call<{
          processes: { pid: number; roles: string[]; active: string[] }[];
          singletons: Record<string, string>;
        }>('GET', '/api/v1/status');
        return body.processes.length === 8 && body.singletons.timers ? body : undefined;
      },
      20_000,
      'eight live processes and a timers holder',
    );
    expect(new Set(status.processes.map((p) => p.pid))).toEqual(new Set(cluster.processes.map((p) => p.pid)));
    expect(status.processes.filter((p) => p.active.includes('timers'))).toHaveLength(1);
    expect(status.processes.filter((p) => p.roles.includes('runner'))).toHaveLength(3);
  });

  it('runs 2,000 executions to a terminal state, each exactly once', async () => {
    const ids = await submit(2000, 'core.noop', {}, 32);
    expect(new Set(ids).size).toBe(2000);
    const done = await allTerminal(ids, 90_000);
    for (const e of done) {
      expect(e.status).toBe('succeeded');
      const log = e.log.map((l) => l.status);
      expect(log.filter((s) => s === 'running')).toHaveLength(1);
      expect(log.filter((s) => s === 'succeeded')).toHaveLength(1);
    }
    // Every runner took a share.
    const workers = new Set(done.map((e) => e.worker?.split(':')[1]));
    for (const r of runners) expect(workers).toContain(String(r.pid));
  }, 120_000);

  it('fires a webhook rule once with two rules engines running', async () => {
    for (const n of [1, 2, 3]) {
      const r = await cluster.call('POST', '/api/v1/webhooks/clustertest/hook', { n });
      expect(r.status).toBe(202);
    }
    const enforcements = await waitFor(
      async () => {
        const { items } = await store.ruleEnforcements.list({ ruleRef: 'clustertest.hook', limit: 100 });
        const ended = await Promise.all(items.map((x) => (x.execution_id ? get(x.execution_id) : undefined)));
        return items.length >= 3 && ended.every((e) => e && TERMINAL.includes(e.status)) ? items : undefined;
      },
      20_000,
      'three enforcements',
    );
    expect(enforcements).toHaveLength(3);
    const { items: instances } = await store.triggerInstances.list({ trigger: 'core.st2.webhook', limit: 100 });
    expect(instances.filter((t) => t.status === 'processed')).toHaveLength(3);
    const messages = await Promise.all(enforcements.map(async (x) => (await get(x.execution_id!)).result?.stdout));
    expect(messages.sort()).toEqual(['n=1', 'n=2', 'n=3']);
  });

  it('fires a one-second timer once per tick with two timer processes started', async () => {
    const ticks = async () =>
      (await store.triggerInstances.list({ trigger: 'core.st2.IntervalTimer', limit: 10_000, order: 'asc' })).items;
    const seen = await waitFor(async () => ((await ticks()).length >= 4 ? await ticks() : undefined), 20_000, 'ticks');
    const times = seen.map((t) => t.occurrence_time);
    expect(new Set(times).size).toBe(times.length);
  });

  it('keeps answering during a broker outage, loses nothing, and every process reconnects', async () => {
    const before = await submit(100, 'core.noop');
    cluster.proxy.down();
    await waitFor(
      async () =>
        (await cluster.call<{ status: string }>('GET', '/health')).body.status === 'degraded' ? true : undefined,
      10_000,
      '/health to say degraded',
    );
    // Accepted (201) while RabbitMQ is unreachable: stored, their messages wait in the API process.
    const during = await submit(200, 'core.noop');
    const health = await cluster.call<{ status: string; bus: { status: string; pending: number } }>('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.bus.status).toBe('degraded');
    expect(health.body.bus.pending).toBeGreaterThan(0);
    cluster.proxy.up();

    const done = await allTerminal([...before, ...during], 60_000);
    for (const e of done) {
      expect(e.status).toBe('succeeded');
      expect(e.log.filter((l) => l.status === 'running')).toHaveLength(1);
    }
    for (const p of cluster.processes) {
      await waitFor(
        () => (p.log().includes('RabbitMQ connection recovered') ? true : undefined),
        20_000,
        `${p.name} to reconnect`,
      );
    }
    await waitFor(
      async () => ((await cluster.call<{ status: string }>('GET', '/health')).body.status === 'ok' ? true : undefined),
      10_000,
      '/health to be ok again',
    );
  }, 120_000);

  it('marks the executions of a runner killed with kill -9 abandoned; the others finish; none stay running', async () => {
    const ids = await submit(9, 'core.local', { cmd: 'sleep 3' }, 9);
    const running = await waitFor(
      async () => {
        const es = await Promise.all(ids.map(get));
        return es.every((e) => e.status === 'running') ? es : undefined;
      },
      20_000,
      'all nine running',
    );
    const victim = runners.find((r) => running.some((e) => e.worker?.split(':')[1] === String(r.pid)));
    expect(victim).toBeDefined();
    const onVictim = new Set(running.filter((e) => e.worker?.split(':')[1] === String(victim!.pid)).map((e) => e.id));
    await victim!.kill9();

    const done = await allTerminal(ids, 30_000);
    for (const e of done) {
      if (onVictim.has(e.id)) expect(e.status).toBe('abandoned');
      else expect(e.status).toBe('succeeded');
    }
  }, 60_000);
});
