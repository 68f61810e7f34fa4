import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig, resolveConfig } from '../../../app/config.js';
import { createEngineCore, type EngineCore } from '../../../app/engine-core.js';
import { HttpServer } from '../../../app/http/http-server.js';
import { startRoles } from '../../../app/roles/start-roles.js';
import { tempDir } from '../../../bench/bench-util.js';
import { readEnv } from '../../../engine/config/from-env.js';
import { silentLogger } from '../../../engine/logger.js';
import { waitFor } from '../../support/processes.js';

/**
 * Two engines on one SQLite file, each with its own bus, scheduler and runner: what two processes
 * share is the store only. A concurrency limit of 1 must hold across both: each run takes a lock
 * directory with mkdir (atomic) and fails if another run holds it, so any overlap is a failure.
 */
describe('a concurrency policy across processes', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function engine(dir: string): Promise<EngineCore> {
    const options = parseConfig({
      store: { kind: 'sqlite', path: join(dir, 'squall.db') },
      bus: { kind: 'memory' },
      packs: { paths: [join(dir, 'packs')] },
      log: { level: 'silent' },
    });
    const core = await createEngineCore(resolveConfig(options, readEnv(), { dataDir: dir }), silentLogger);
    cleanups.push(() => core.close());
    await core.registerPacks();
    const roles = await startRoles(core, ['scheduler', 'runner'], { http: new HttpServer() });
    cleanups.push(() => roles.stop());
    return core;
  }

  it('never lets two executions of the action run at once, whichever process schedules them', async () => {
    const dir = tempDir('squall-policy-procs-');
    cleanups.push(() => dir.remove());
    const pack = join(dir.path, 'packs', 'ops');
    await mkdir(join(pack, 'actions'), { recursive: true });
    await mkdir(join(pack, 'policies'));
    await writeFile(join(pack, 'pack.yaml'), 'ref: ops\nname: ops\nversion: 1.0.0\ndescription: ops\n');
    await writeFile(
      join(pack, 'actions', 'deploy.yaml'),
      'name: deploy\nrunner_type: local-shell-cmd\nparameters:\n  cmd: {type: string, required: true}\n',
    );
    await writeFile(
      join(pack, 'policies', 'one.yaml'),
      'name: one\nresource_ref: ops.deploy\npolicy_type: action.concurrency\nparameters: {threshold: 1}\n',
    );
    const a = await engine(dir.path);
    const b = await engine(dir.path);
    const lock = join(dir.path, 'lock');
    const cmd = `mkdir '${lock}' || exit 9; sleep 0.1; rmdir '${lock}'`;

    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const core = i % 2 === 0 ? a : b;
      ids.push(
        (await core.executions.request({ action: 'ops.deploy', parameters: { cmd }, context: { user: 'ops' } })).id,
      );
    }
    const done = await waitFor(
      async () => {
        const all = await Promise.all(ids.map((id) => a.store.executions.get(id)));
        return all.every((e) => e && ['succeeded', 'failed'].includes(e.status)) ? all : undefined;
      },
      60_000,
      'every execution to end',
    );
    expect(done.map((e) => e?.status)).toEqual(Array(8).fill('succeeded'));
    // Most of them waited their turn.
    expect(done.filter((e) => e?.log.some((l) => l.status === 'delayed')).length).toBeGreaterThanOrEqual(4);
    // Every slot is given back once the completions are handled.
    await waitFor(async () => ((await a.store.policySlots.list('ops.one')).length === 0 ? true : undefined));
  }, 90_000);
});
