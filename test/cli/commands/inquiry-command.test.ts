import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { readCredentials } from '../../../engine/auth/credentials.js';
import { silentLogger } from '../../../engine/logger.js';
import { waitFor } from '../../support/processes.js';
import { type CliRun, runCli } from '../run-cli.js';

const ASKTEST = fileURLToPath(new URL('../../fixtures/workflow-packs/asktest/', import.meta.url));

describe('squall inquiry list | get | respond', () => {
  let dir: string;
  let server: RunningServer;
  let headers: Record<string, string>;
  const squall = (args: string[]): Promise<CliRun> =>
    runCli(args, { env: { SQUALL_HOME: dir, SQUALL_API_URL: server.url ?? '' } });
  const api = async <T>(path: string, init: RequestInit = {}): Promise<T> =>
    (await (await fetch(`${server.url}${path}`, { ...init, headers })).json()) as T;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'squall-cli-inquiry-'));
    server = await startServer({
      dataDir: dir,
      config: {
        api: { host: '127.0.0.1', port: 0 },
        chat: { shell: false },
        log: { level: 'silent' },
        packs: { paths: [ASKTEST] },
      },
      logger: silentLogger,
    });
    headers = { 'St2-Api-Key': (await readCredentials(dir))?.api_key ?? '', 'Content-Type': 'application/json' };
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  // Nine runs of the real CLI: generous on a loaded machine (a limit on waiting, not a timing assertion).
  it('lists the waiting inquiry, shows it, answers it with -r, and the workflow finishes', {
    timeout: 120_000,
  }, async () => {
    const wf = await api<{ id: string }>('/api/v1/executions', {
      method: 'POST',
      body: JSON.stringify({ action: 'asktest.approve', parameters: { users: ['admin'] } }),
    });
    const ask = await waitFor(
      async () => (await api<{ id: string; status: string }[]>(`/api/v1/executions?parent=${wf.id}`))[0],
      20_000,
      'the ask',
    );
    await waitFor(
      async () =>
        (await api<{ status: string }>(`/api/v1/executions/${wf.id}`)).status === 'paused' ? true : undefined,
      20_000,
      'paused',
    );

    const list = await squall(['inquiry', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(ask.id);
    expect(list.stdout).toContain('admin');

    const got = await squall(['inquiry', 'get', ask.id]);
    expect(got.code).toBe(0);
    expect(got.stdout).toContain('pending');
    expect(got.stdout).toContain('Deploy to production?');

    const noResponse = await squall(['inquiry', 'respond', ask.id]);
    expect(noResponse.code).toBe(2);
    expect(noResponse.stderr).toContain(`give the response with -r, for example: squall inquiry respond ${ask.id}`);

    const badJson = await squall(['inquiry', 'respond', ask.id, '-r', '{approved: true}']);
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toContain('-r: not valid JSON');

    const invalid = await squall(['inquiry', 'respond', ask.id, '-r', '{"approved": "yes"}']);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('did not pass schema validation: approved: must be boolean');

    const ok = await squall(['inquiry', 'respond', ask.id, '-r', '{"approved": true}']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`Response accepted for inquiry ${ask.id}: {"approved":true}`);
    await waitFor(
      async () =>
        (await api<{ status: string }>(`/api/v1/executions/${wf.id}`)).status === 'succeeded' ? true : undefined,
      20_000,
      'workflow succeeded',
    );

    const again = await squall(['inquiry', 'respond', ask.id, '-r', '{"approved": false}']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('has already been responded to by admin');
    const after = await squall(['inquiry', 'get', ask.id, '--json']);
    expect(JSON.parse(after.stdout)).toMatchObject({
      status: 'responded',
      responded_by: 'admin',
      response: { approved: true },
    });
    expect((await squall(['inquiry', 'list'])).stdout).toContain('No inquiries are waiting for an answer.');
  });
});
