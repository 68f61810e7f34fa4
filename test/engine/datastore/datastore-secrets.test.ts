import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { tempDir } from '../../../bench/bench-util.js';
import { readCredentials } from '../../../engine/auth/credentials.js';
import { TestShell } from '../../support/chat-shell.js';
import { captureLogs } from '../../support/log-capture.js';

const PACK_DIR = fileURLToPath(new URL('../../fixtures/engine-packs/kvdefaults/', import.meta.url));

// The datastore secret test: a secret's value appears in no log line, API response, stream
// event, trigger payload or chat message, and not in the SQLite file in plaintext.
const SECRETS = ['Sq-secret-token-7f3a9c', 'Sq-rotated-token-51e0d2', 'Sq-user-secret-93b7aa', 'Sq-given-4b2e90'];

describe('datastore secrets stay secret', () => {
  const dir = tempDir('squall-kv-secret-');
  const shell = new TestShell();
  const logs = captureLogs();
  let server: RunningServer;
  let adminKey: string;
  let viewerKey: string;
  const responses: string[] = [];
  let sse = '';
  const sseAbort = new AbortController();

  async function api(key: string, method: string, path: string, body?: unknown) {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'St2-Api-Key': key, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    responses.push(`${method} ${path} ${res.status} ${[...res.headers].join(' ')} ${text}`);
    const json = res.headers.get('content-type')?.includes('json') && text !== '';
    return { status: res.status, body: (json ? JSON.parse(text) : {}) as Record<string, unknown> };
  }

  beforeAll(async () => {
    server = await startServer({
      dataDir: dir.path,
      config: { api: { port: 0 }, chat: { shell: false }, packs: { paths: [PACK_DIR] } },
      logger: logs.logger,
      localShellChannel: 'terminal',
      adapters: () => [shell.adapter],
    });
    adminKey = (await readCredentials(dir.path))?.api_key ?? '';
    await server.core.auth.createUser('viewer1', 'viewer-password-1', ['viewer']);
    viewerKey = (await server.core.auth.createApiKey('viewer1')).key;
    // A live stream subscriber for the whole test.
    const stream = await fetch(`${server.url}/stream/v1/stream`, {
      headers: { 'St2-Api-Key': adminKey },
      signal: sseAbort.signal,
    });
    void (async () => {
      const reader = stream.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done) return;
        sse += Buffer.from(value).toString();
      }
    })();
  }, 60_000);

  afterAll(async () => {
    sseAbort.abort();
    await server?.close();
    dir.remove();
  });

  it('goes through create, read, rotate, use from chat and the API, and delete without showing the value', async () => {
    const [first, rotated, userSecret, given] = SECRETS as [string, string, string, string];
    expect((await api(adminKey, 'PUT', '/api/v1/keys/api_token', { value: first, secret: true })).status).toBe(200);
    await api(adminKey, 'PUT', '/api/v1/keys/api_token', { value: rotated, secret: true });
    await api(adminKey, 'PUT', '/api/v1/keys/mine', { value: userSecret, secret: true, scope: 'user' });
    await api(adminKey, 'PUT', '/api/v1/keys/doomed', { value: first, secret: true });
    await api(adminKey, 'DELETE', '/api/v1/keys/doomed');
    for (const key of [adminKey, viewerKey]) {
      await api(key, 'GET', '/api/v1/keys');
      await api(key, 'GET', '/api/v1/keys?scope=all');
      await api(key, 'GET', '/api/v1/keys/api_token');
    }
    await api(adminKey, 'GET', '/api/v1/keys/mine?scope=user');
    await api(viewerKey, 'GET', '/api/v1/keys/api_token?decrypt=true');
    await expectNotInDatabase(SECRETS);

    // The secret reaches the command (its length shows), but never its text.
    shell.type('!use token');
    await shell.waitFor(/token=\*\*\*\*\*\*\*\* length=23/);
    const run = await api(adminKey, 'POST', '/api/v1/executions', { action: 'kvdefaults.use_token' });
    expect(run.status).toBe(201);
    const done = await server.core.executions.waitForTerminal(String(run.body.id), 20_000);
    expect(done?.status).toBe('succeeded');
    await api(adminKey, 'GET', `/api/v1/executions/${done?.id}`);
    await api(adminKey, 'GET', `/api/v1/executions/${done?.id}/output`);
    await api(adminKey, 'GET', '/api/v1/executions');
    await api(adminKey, 'GET', '/api/v1/executions?show_secrets=false');

    // From a rule's action parameters (`decrypt_kv`), given directly, and re-run by its owner.
    expect((await api(adminKey, 'POST', '/api/v1/webhooks/kvdefaults/token', { any: 'thing' })).status).toBe(202);
    const enforcement = async () =>
      (await server.core.store.ruleEnforcements.list({ ruleRef: 'kvdefaults.token_hook' })).items[0];
    await expect.poll(enforcement, { timeout: 20_000 }).toBeDefined();
    const byRule = await server.core.executions.waitForTerminal(String((await enforcement())?.execution_id), 20_000);
    expect(byRule?.result).toMatchObject({ stdout: `token=******** length=${rotated.length}` });
    const direct = await api(adminKey, 'POST', '/api/v1/executions', {
      action: 'kvdefaults.use_token',
      parameters: { token: given },
    });
    expect(direct.body.parameters).toMatchObject({ token: '********' });
    const ran = await server.core.executions.waitForTerminal(String(direct.body.id), 20_000);
    expect(ran?.result).toMatchObject({ stdout: `token=******** length=${given.length}` });
    const again = await api(adminKey, 'POST', `/api/v1/executions/${ran?.id}/re_run`, {});
    expect(again.status).toBe(201);
    const rerun = await server.core.executions.waitForTerminal(String(again.body.id), 20_000);
    expect(rerun?.result).toMatchObject({ stdout: `token=******** length=${given.length}` });
    // Stored sealed, yet shown in clear to an admin asking for it (not kept in `responses`).
    expect(ran?.parameters.token).toMatch(/^sqenc1:/);
    const shown = await fetch(`${server.url}/api/v1/executions/${ran?.id}?show_secrets=true`, {
      headers: { 'St2-Api-Key': adminKey },
    });
    expect(((await shown.json()) as { parameters: Record<string, unknown> }).parameters.token).toBe(given);
  });

  it('appears in no API response, chat message, trigger payload, stream event or log line', async () => {
    const kinds = (await server.core.store.triggerInstances.list({ limit: 1000 })).items.map((t) => t.trigger);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'core.st2.key_value_pair.create',
        'core.st2.key_value_pair.update',
        'core.st2.key_value_pair.value_change',
        'core.st2.key_value_pair.delete',
      ]),
    );
    const triggers = JSON.stringify(await server.core.store.triggerInstances.list({ limit: 1000 }));
    const events = JSON.stringify(await server.core.store.events.since(0, 10_000));
    await expect.poll(() => sse.includes('st2.execution__update')).toBe(true);
    expect(logs.text()).toContain('datastore item updated');
    expect(responses.length).toBeGreaterThan(10);
    for (const secret of SECRETS) {
      for (const [where, text] of [
        ['API responses', responses.join('\n')],
        ['chat', shell.text],
        ['trigger instances', triggers],
        ['stored stream events', events],
        ['the live stream', sse],
        ['logs', logs.text()],
      ] as const) {
        expect(text.includes(secret), `${secret} in ${where}`).toBe(false);
      }
    }
  });

  it('is not in the SQLite file in plain text after executions used it, while a plain value is (the check can fail)', async () => {
    await expectNotInDatabase(SECRETS);
    await server.core.kv.set({ scope: 'st2kv.system', name: 'plain', value: 'Sq-plain-visible-0c1d' }, 'test');
    expect((await databaseBytes()).includes(Buffer.from('Sq-plain-visible-0c1d'))).toBe(true);
  });

  async function databaseBytes(): Promise<Buffer> {
    const db = join(dir.path, 'squall.db');
    return Buffer.concat([await readFile(db), await readFile(`${db}-wal`).catch(() => Buffer.alloc(0))]);
  }

  async function expectNotInDatabase(secrets: readonly string[]): Promise<void> {
    const bytes = await databaseBytes();
    expect(bytes.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(bytes.includes(Buffer.from(secret, 'utf8')), `${secret} in squall.db`).toBe(false);
      expect(bytes.includes(Buffer.from(secret, 'utf16le')), `${secret} in squall.db`).toBe(false);
    }
  }
});
