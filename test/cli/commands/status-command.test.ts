import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { silentLogger } from '../../../engine/logger.js';
import { waitFor } from '../../support/processes.js';
import { runCli } from '../run-cli.js';

let server: RunningServer;
let env: Record<string, string>;

beforeAll(async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'squall-status-cli-'));
  server = await startServer({ host: '127.0.0.1', port: 0, dataDir, logger: silentLogger });
  env = { SQUALL_HOME: dataDir, SQUALL_API_URL: server.url ?? '' };
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe('squall status', () => {
  it('lists the live process with its roles (single-active ones it holds starred), version and heartbeat', async () => {
    const row = await waitFor(
      async () => {
        const r = await runCli(['status'], { env });
        expect(r.code).toBe(0);
        return r.stdout.includes('timers*') ? r : undefined;
      },
      15_000,
      'the timers lease in the status',
    );
    expect(row.stdout).toContain(server.roles.processId);
    expect(row.stdout).toMatch(/api,scheduler,runner/);
    expect(row.stdout).toMatch(/\d+(\.\d)?s ago/);
    expect(row.stdout).toContain('running');
    expect(row.stderr).toContain('single-active role');
  });

  it('--json prints the API answer', async () => {
    const r = await runCli(['status', '--json'], { env });
    const body = JSON.parse(r.stdout) as { processes: { id: string; pid: number }[]; version: string };
    expect(body.processes.map((p) => p.id)).toEqual([server.roles.processId]);
    expect(body.processes[0]?.pid).toBe(process.pid);
  });
});
