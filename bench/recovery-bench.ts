import { join } from 'node:path';
import { startServer } from '../app/start-server.js';
import { newId } from '../engine/ids.js';
import { silentLogger } from '../engine/logger.js';
import { registerPacks } from '../engine/packs/pack-registrar.js';
import { builtinPacksDir } from '../engine/packs/packs-root.js';
import { createSqliteStore } from '../engine/store/sqlite/sqlite-store.js';
import { type Metric, round, tempDir } from './bench-util.js';

const QUEUED = 100;

/**
 * `recovery_start_ms`: a data dir holds work a crashed process accepted but never ran (its messages
 * died with it); a new server starts on it. The figure is the time from the start call to the moment
 * the first recovered execution is running (target ≤ 1,000 ms; the periodic sweep would take seconds).
 */
export async function benchRecovery(): Promise<Metric[]> {
  const dir = tempDir('squall-bench-recovery-');
  try {
    const store = await createSqliteStore(
      { kind: 'sqlite', path: join(dir.path, 'squall.db') },
      { logger: silentLogger },
    );
    await store.init();
    await registerPacks(store, [builtinPacksDir()]);
    const action = (await store.actions.get('core.noop'))!;
    const ids: string[] = [];
    const at = new Date(Date.now() - 60_000).toISOString();
    for (let i = 0; i < QUEUED; i++) {
      const id = newId();
      ids.push(id);
      await store.executions.create({
        id,
        action,
        runner_type: action.runner_type,
        parameters: {},
        status: i % 2 === 0 ? 'requested' : 'scheduled',
        start_timestamp: at,
        context: { user: 'bench' },
        log: [{ status: 'requested', timestamp: at }],
      });
    }
    await store.close();

    const t0 = Date.now();
    const s = await startServer({
      dataDir: dir.path,
      config: { api: { port: 0 }, log: { level: 'silent' }, chat: { shell: false } },
      logger: silentLogger,
    });
    try {
      const done = await Promise.all(ids.map((id) => s.core.executions.waitForTerminal(id, 120_000)));
      const starts = done.flatMap(
        (e) => e?.log.filter((l) => l.status === 'running').map((l) => Date.parse(l.timestamp)) ?? [],
      );
      if (starts.length < QUEUED) throw new Error(`only ${starts.length} of ${QUEUED} recovered executions ran`);
      return [{ metric: 'recovery_start_ms', value: round(Math.min(...starts) - t0, 0), unit: 'ms' }];
    } finally {
      await s.close();
    }
  } finally {
    dir.remove();
  }
}
