import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { tempDir } from '../../../bench/bench-util.js';
import { silentLogger } from '../../../engine/logger.js';
import { registerPacks } from '../../../engine/packs/pack-registrar.js';
import { builtinPacksDir } from '../../../engine/packs/packs-root.js';
import { createSqliteStore } from '../../../engine/store/sqlite/sqlite-store.js';
import { insertRawExecution } from '../../support/poisoned-rows.js';

describe('embedded start-up recovery', () => {
  const dir = tempDir('squall-recovery-');
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    dir.remove();
  });

  it('runs work a crashed process left queued at once, without waiting for a periodic sweep', async () => {
    const db = join(dir.path, 'squall.db');
    const store = await createSqliteStore({ kind: 'sqlite', path: db }, { logger: silentLogger });
    await store.init();
    await registerPacks(store, [builtinPacksDir()]);
    const action = (await store.actions.get('core.local'))!;
    await store.close();
    // What a kill -9 leaves: accepted work in both queued states, whose messages died with the process.
    const ids = [
      ...Array.from({ length: 3 }, () => insertRawExecution(db, action, 'requested')),
      ...Array.from({ length: 3 }, () => insertRawExecution(db, action, 'scheduled')),
    ];

    // Periodic sweeps ten minutes apart: only the start-up recovery can have run these.
    server = await startServer({
      dataDir: dir.path,
      port: 0,
      logger: silentLogger,
      config: { executions: { sweep_interval: 600, requeue_after: 600, abandon_after: 600 } },
    });
    const done = await Promise.all(ids.map((id) => server!.core.executions.waitForTerminal(id, 20_000)));
    expect(done.map((e) => e?.status)).toEqual(ids.map(() => 'succeeded'));
  }, 40_000);
});
