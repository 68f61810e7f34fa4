import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { silentLogger } from '../../../engine/logger.js';
import { waitFor } from '../../support/processes.js';

describe('the gc role', () => {
  let dir: string;
  let server: RunningServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'squall-gc-role-'));
    server = await startServer({
      dataDir: dir,
      config: {
        api: { host: '127.0.0.1', port: 0 },
        chat: { shell: false },
        log: { level: 'silent' },
        gc: { interval: '1s', executions: '1s' },
      },
      logger: silentLogger,
    });
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('holds its lease and deletes finished executions past their retention on its own', async () => {
    await waitFor(async () => (await server.core.store.leases.get('role:gc')) ?? undefined, 10_000, 'the gc lease');
    const e = await server.core.executions.request({ action: 'core.noop', parameters: {}, context: { user: 'admin' } });
    expect((await server.core.waiters.wait(e.id, 10_000))?.status).toBe('succeeded');
    await waitFor(
      async () => ((await server.core.store.executions.get(e.id)) === undefined ? true : undefined),
      15_000,
      'the gc role to delete the execution',
    );
  }, 30_000);
});
