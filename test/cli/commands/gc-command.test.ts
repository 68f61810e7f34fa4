import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { readCredentials } from '../../../engine/auth/credentials.js';
import { silentLogger } from '../../../engine/logger.js';
import { waitFor } from '../../support/processes.js';
import { type CliRun, runCli } from '../run-cli.js';

// The real CLI against a real server that keeps finished executions one second; the gc role's own
// interval is long, so only the CLI (POST /api/v1/gc) deletes here.
let server: RunningServer;
let dataDir: string;
let adminKey: string;

function squall(args: string[]): Promise<CliRun> {
  return runCli(args, { env: { SQUALL_HOME: dataDir, SQUALL_API_URL: server.url ?? '' } });
}

async function api(path: string, key: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'St2-Api-Key': key, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'squall-cli-gc-'));
  server = await startServer({
    dataDir,
    config: {
      api: { host: '127.0.0.1', port: 0 },
      chat: { shell: false },
      log: { level: 'silent' },
      gc: { interval: '1h', executions: '1s', action_output: '1s', events: 'never' },
    },
    logger: silentLogger,
  });
  adminKey = (await readCredentials(dataDir))?.api_key ?? '';
}, 60_000);

afterAll(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('squall gc', () => {
  it('reports with --dry-run, deletes without it, and never touches a running execution', async () => {
    const done = (await api('/api/v1/executions', adminKey, { action: 'core.local', parameters: { cmd: 'echo old' } }))
      .body.id as string;
    await server.core.waiters.wait(done, 20_000);
    const running = (
      await api('/api/v1/executions', adminKey, { action: 'core.local', parameters: { cmd: 'sleep 30' } })
    ).body.id as string;
    await waitFor(async () =>
      (await server.core.store.executions.get(running))?.status === 'running' ? true : undefined,
    );

    // Once the finished one is older than its retention, the dry run counts it and keeps it.
    const dry = await waitFor(
      async () => {
        const r = await squall(['gc', '--dry-run', '--json']);
        const report = JSON.parse(r.stdout) as { collections: { collection: string; count: number }[] };
        return report.collections.find((c) => c.collection === 'executions')?.count === 1 ? report : undefined;
      },
      15_000,
      'the finished execution to age past its retention',
    );
    expect(dry).toMatchObject({ dry_run: true });
    expect(dry.collections.find((c) => c.collection === 'events')).toMatchObject({ count: 0, retention: null });
    expect(await server.core.store.executions.get(done)).toBeDefined();

    const human = await squall(['gc', '--dry-run']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/executions\s*│\s*1s\s*│.*│\s*1\s/);
    expect(human.stdout).toMatch(/events\s*│\s*forever/);
    expect(human.stderr).toMatch(/Dry run: \d+ record\(s\) would be deleted; nothing was\./);

    const real = await squall(['gc']);
    expect(real.code).toBe(0);
    expect(real.stderr).toMatch(/\d+ record\(s\) deleted\./);
    expect(await server.core.store.executions.get(done)).toBeUndefined();
    expect(await server.core.store.output.list(done)).toEqual([]);
    expect((await server.core.store.executions.get(running))?.status).toBe('running');
    expect((await api(`/api/v1/executions/${done}`, adminKey)).status).toBe(404);

    await server.core.executions.cancel(running, 'admin');
  }, 60_000);

  it('is for admins only', async () => {
    await server.core.auth.createUser('op', 'op-password-1', ['operator']);
    const key = (await server.core.auth.createApiKey('op')).key;
    const r = await api('/api/v1/gc', key, { dry_run: true });
    expect(r.status).toBe(403);
    const bad = await api('/api/v1/gc', adminKey, { dryrun: true });
    expect(bad.status).toBe(400);
  });
});
