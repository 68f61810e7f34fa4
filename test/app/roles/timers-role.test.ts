import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig, resolveConfig } from '../../../app/config.js';
import { createEngineCore, type EngineCore } from '../../../app/engine-core.js';
import { HttpServer } from '../../../app/http/http-server.js';
import { type StartedRoles, startRoles } from '../../../app/roles/start-roles.js';
import { tempDir } from '../../../bench/bench-util.js';
import { readEnv } from '../../../engine/config/from-env.js';
import { silentLogger } from '../../../engine/logger.js';
import { buildRule } from '../../../engine/rules/build-rule.js';
import { waitFor } from '../../support/processes.js';

const timing = { ttlMs: 1500, renewMs: 300, retryMs: 50, retryMaxMs: 200 };

/** Two processes' worth of engine on one SQLite store, each running the timers role under its lease. */
describe('the timers role', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function core(dir: string): Promise<EngineCore> {
    const options = parseConfig({ store: { kind: 'sqlite', path: join(dir, 'squall.db') }, bus: { kind: 'memory' } });
    const c = await createEngineCore(resolveConfig(options, readEnv(), { dataDir: dir }), silentLogger);
    cleanups.push(() => c.close());
    return c;
  }

  async function timers(c: EngineCore): Promise<StartedRoles> {
    const roles = await startRoles(c, ['timers'], { http: new HttpServer(), leaseTiming: timing });
    cleanups.push(() => roles.stop());
    return roles;
  }

  const ticks = async (c: EngineCore) =>
    (await c.store.triggerInstances.list({ trigger: 'core.st2.IntervalTimer', limit: 10_000, order: 'asc' })).items;

  it('fires each tick once across two processes, and the other takes over when the holder stops', async () => {
    const dir = tempDir('squall-timers-');
    cleanups.push(() => dir.remove());
    const a = await core(dir.path);
    const { rule } = buildRule({
      name: 'every_second',
      pack: 'ops',
      trigger: { type: 'core.st2.IntervalTimer', parameters: { unit: 'seconds', delta: 1 } },
      action: { ref: 'core.noop' },
    });
    await a.store.rules.upsert(rule!);
    const b = await core(dir.path);
    const first = await timers(a);
    await timers(b);

    await waitFor(async () => ((await ticks(a)).length >= 3 ? true : undefined), 10_000, 'three ticks');
    const fired = await ticks(a);
    expect(fired[0]).toMatchObject({
      trigger: 'core.st2.IntervalTimer',
      parameters: { unit: 'seconds', delta: 1 },
      payload: { schedule: { unit: 'seconds', delta: 1 } },
    });
    expect(Date.parse(String(fired[0]?.payload.executed_at))).toBeGreaterThan(0);

    await first.stop();
    const stoppedAt = (await ticks(a)).length;
    // The other process holds the lease within a few seconds and goes on firing.
    await waitFor(async () => ((await ticks(b)).length >= stoppedAt + 3 ? true : undefined), 15_000, 'b to fire');

    const all = await ticks(b);
    const times = all.map((t) => t.occurrence_time);
    // Once per tick: no tick time twice, every one on a whole second.
    expect(new Set(times).size).toBe(times.length);
    for (const t of times) expect(Date.parse(t) % 1000).toBe(0);
  }, 40_000);
});
