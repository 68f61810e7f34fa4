import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { tempDir } from '../../../bench/bench-util.js';
import { readCredentials } from '../../../engine/auth/credentials.js';
import type { Execution } from '../../../engine/model/execution.js';
import { captureLogs } from '../../support/log-capture.js';

const PACK_DIR = fileURLToPath(new URL('../../fixtures/engine-packs/pyactions/', import.meta.url));
const SECRET = 'Sq-python-secret-5d1c8e';
const CONFIG_SECRET = 'Sq-config-secret-9b7a41';

describe('python-script actions through the real server', () => {
  const dir = tempDir('squall-python-');
  let server: RunningServer;
  let key: string;
  const logs = captureLogs();

  async function api(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'St2-Api-Key': key, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, text: await res.text() };
  }

  async function run(action: string, parameters: Record<string, unknown> = {}): Promise<Execution> {
    const res = await api('POST', '/api/v1/executions', { action, parameters });
    expect(res.status).toBe(201);
    const { id } = JSON.parse(res.text) as { id: string };
    let e: Execution | undefined;
    await expect
      .poll(
        async () => {
          e = JSON.parse((await api('GET', `/api/v1/executions/${id}`)).text) as Execution;
          return ['succeeded', 'failed', 'timeout', 'canceled'].includes(e.status);
        },
        { timeout: 30_000, interval: 50 },
      )
      .toBe(true);
    return e as Execution;
  }

  beforeAll(async () => {
    await mkdir(join(dir.path, 'configs'), { recursive: true });
    await writeFile(
      join(dir.path, 'configs', 'pyactions.yaml'),
      [
        'api_url: https://api.example.test',
        // A secret option rendered from an encrypted datastore key, as packs keep their passwords.
        "password: '{{ st2kv.system.cfg_password | decrypt_kv }}'",
        '',
      ].join('\n'),
    );
    server = await startServer({
      dataDir: dir.path,
      config: { api: { port: 0 }, chat: { shell: false }, packs: { paths: [PACK_DIR] } },
      logger: logs.logger,
    });
    key = (await readCredentials(dir.path))?.api_key ?? '';
    await server.core.kv.set(
      { scope: 'st2kv.system', name: 'cfg_password', value: CONFIG_SECRET, secret: true },
      'test',
    );
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    dir.remove();
  });

  it('runs a hello-world action: result, exit code and streams as StackStorm stores them', async () => {
    const e = await run('pyactions.hello', { name: 'Squall' });
    expect(e.status).toBe('succeeded');
    expect(e.result).toEqual({ exit_code: 0, stdout: '', stderr: '', result: 'Hello, Squall' });
  });

  it('reads and writes the datastore through the API with the execution token', async () => {
    await server.core.kv.set({ scope: 'st2kv.system', name: 'region', value: 'eu-west-1' }, 'test');
    const e = await run('pyactions.kv', { value: 'one' });
    expect(e.status, JSON.stringify(e.result)).toBe('succeeded');
    expect((e.result as { result: unknown }).result).toEqual({
      before: null,
      after: 'one',
      global: 'eu-west-1',
      vault_clear: 's3cr3t-one',
      vault_stored_encrypted: true,
      listed: ['pyactions.KvAction:seen', 'pyactions.KvAction:vault'],
      deleted: true,
      deleted_again: false,
      scope_error: 'Scope user is unsupported.',
    });
    expect((await server.core.kv.get({ scope: 'st2kv.system', name: 'shared_one' }))?.value).toBe('one');
    const vault = await server.core.kv.get({ scope: 'st2kv.system', name: 'pyactions.KvAction:vault' });
    expect(vault?.secret).toBe(true);
    // The writes were made as the execution's user, through the API, not with an admin key of its own.
    expect(logs.text()).toContain('"method":"PUT","path":"/api/v1/keys/pyactions.KvAction%3Aseen","status":200');
    expect(logs.text()).toMatch(/"name":"pyactions\.KvAction:seen"[^\n]*"by":"admin"[^\n]*datastore item created/);
  });

  it("gives self.config the pack's config file with the schema's defaults", async () => {
    const e = await run('pyactions.conf');
    expect((e.result as { result: unknown }).result).toEqual({
      api_url: 'https://api.example.test',
      retries: 5,
      password: '********',
    });
  });

  it('masks a secret parameter in stdout, stderr, the result and the logs', async () => {
    const e = await run('pyactions.secret', { token: SECRET });
    expect(e.status).toBe('succeeded');
    const shown = JSON.stringify(e);
    expect(shown).not.toContain(SECRET);
    expect(e.result).toMatchObject({ stdout: 'token=********\n', result: { echo: '********' } });
    expect((e.result as { stderr: string }).stderr).toContain('stderr saw ********');
    const output = await api('GET', `/api/v1/executions/${e.id}/output`);
    expect(output.text).toContain('token=********');
    expect(output.text).not.toContain(SECRET);
    expect(logs.text()).not.toContain(SECRET);
  });

  it("masks the pack's secret config values in stdout, the result and the output; other values show", async () => {
    const e = await run('pyactions.confsecret');
    expect(e.status, JSON.stringify(e.result)).toBe('succeeded');
    expect(e.result).toMatchObject({
      stdout: 'password=******** api_url=https://api.example.test\n',
      result: { password: '********', api_url: 'https://api.example.test' },
    });
    expect(JSON.stringify(e)).not.toContain(CONFIG_SECRET);
    const output = await api('GET', `/api/v1/executions/${e.id}/output`);
    expect(output.text).toContain('password=******** api_url=https://api.example.test');
    expect(output.text).not.toContain(CONFIG_SECRET);
    expect(logs.text()).not.toContain(CONFIG_SECRET);
  });

  it("revokes the execution's token when the action ends", async () => {
    const e = await run('pyactions.token');
    const token = (e.result as { result: unknown }).result;
    expect(typeof token).toBe('string');
    const res = await fetch(`${server.url}/api/v1/executions/${e.id}`, { headers: { 'X-Auth-Token': String(token) } });
    expect(res.status).toBe(401);
  });
});
