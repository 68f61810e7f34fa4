import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig, resolveConfig } from '../../../app/config.js';
import { createEngineCore, type EngineCore } from '../../../app/engine-core.js';
import { HttpServer } from '../../../app/http/http-server.js';
import type { Role } from '../../../app/roles/role.js';
import { type StartedRoles, startRoles } from '../../../app/roles/start-roles.js';
import { tempDir } from '../../../bench/bench-util.js';
import { readEnv } from '../../../engine/config/from-env.js';
import { silentLogger } from '../../../engine/logger.js';
import { waitFor } from '../../support/processes.js';

/** A singleton role that records, per process, whether it is running. */
function testRole(log: string[], who: string): Role {
  return {
    name: 'ticker',
    summary: 'test singleton',
    singleton: 'lease',
    async start(ctx) {
      log.push(`${who} start`);
      ctx.afterStart(async () => void log.push(`${who} after-start`));
      return { stop: async () => void log.push(`${who} stop`) };
    },
  };
}

const timing = { ttlMs: 400, renewMs: 50, retryMs: 20, retryMaxMs: 60 };

describe('singleton roles (lease)', () => {
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

  async function start(c: EngineCore, log: string[], who: string): Promise<StartedRoles> {
    const roles = await startRoles(c, ['ticker'], {
      http: new HttpServer(),
      table: [testRole(log, who)],
      leaseTiming: timing,
    });
    cleanups.push(() => roles.stop());
    return roles;
  }

  it('runs the role in one process at a time and hands it over when that process stops', async () => {
    const dir = tempDir('squall-lease-');
    cleanups.push(() => dir.remove());
    const log: string[] = [];
    const a = await start(await core(dir.path), log, 'a');
    expect(log).toEqual(['a start', 'a after-start']);
    const b = await start(await core(dir.path), log, 'b');
    expect(log).toEqual(['a start', 'a after-start']);

    await a.stop();
    await waitFor(() => (log.includes('b start') ? true : undefined), 10_000, 'b to take over');
    expect(log).toEqual(['a start', 'a after-start', 'a stop', 'b start', 'b after-start']);
    await b.stop();
    expect(log.at(-1)).toBe('b stop');
  });

  it('stops the role when the lease is lost, and starts it again once the lease is free', async () => {
    const dir = tempDir('squall-lease-');
    cleanups.push(() => dir.remove());
    const log: string[] = [];
    const c = await core(dir.path);
    await start(c, log, 'a');
    const held = await c.store.leases.get('role:ticker');
    expect(held).toBeDefined();

    // Another holder takes the lease over (as after a pause longer than the TTL).
    await c.store.leases.release('role:ticker', held!.holder);
    expect(await c.store.leases.acquire('role:ticker', 'intruder', 60_000)).toBe(true);
    await waitFor(() => (log.includes('a stop') ? true : undefined), 10_000, 'the role to stop');
    expect((await c.store.leases.get('role:ticker'))?.holder).toBe('intruder');

    await c.store.leases.release('role:ticker', 'intruder');
    await waitFor(() => (log.filter((l) => l === 'a start').length === 2 ? true : undefined), 10_000, 'a restart');
    expect(log).toEqual(['a start', 'a after-start', 'a stop', 'a start', 'a after-start']);
  });
});
