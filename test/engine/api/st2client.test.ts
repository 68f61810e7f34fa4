import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { readCredentials } from '../../../engine/auth/credentials.js';
import { silentLogger } from '../../../engine/logger.js';

// st2client is CommonJS without types: declare the slice this test drives.
interface Endpoint<T> {
  list(query?: Record<string, unknown>): Promise<T[]>;
  get(id: string, query?: Record<string, unknown>): Promise<T>;
  create(payload: object): Promise<T>;
  delete(id: string): Promise<unknown>;
  edit(id: string, payload: object): Promise<T>;
  total?: number;
  /** Page size: sent as `limit`, then taken from the server's X-Limit. */
  limit?: number;
}
interface Execution {
  id: string;
  status: string;
  action: { ref: string };
  result: { stdout?: string; return_code?: number };
  context: { user: string };
}
interface St2Client {
  authenticate(user: string, password: string): Promise<{ user: string; token: string; expiry: string }>;
  setKey(k: { key: string }): St2Client;
  actions: Endpoint<{ ref: string; runner_type: string }>;
  executions: Endpoint<Execution> & { attribute(id: string, name: string): Promise<unknown> };
  apikeys: Endpoint<{ id: string; key?: string; user: string; enabled: boolean }>;
  actionAlias: Endpoint<{ ref: string }>;
  close(): void;
}
const require = createRequire(import.meta.url);
const st2client = require('st2client') as (opts: { api: string; auth: string }) => St2Client;

const TERMINAL = ['succeeded', 'failed', 'timeout', 'canceled', 'abandoned'];

describe('StackStorm st2client 1.2 against a real Squall server', () => {
  let dir: string;
  let server: RunningServer;
  let client: St2Client;
  let password: string;
  let url: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'squall-st2client-'));
    server = await startServer({
      dataDir: dir,
      config: { api: { host: '127.0.0.1', port: 0 }, chat: { shell: false }, log: { level: 'silent' } },
      logger: silentLogger,
    });
    url = server.url ?? '';
    password = (await readCredentials(dir))?.password ?? '';
    client = st2client({ api: `${url}/api`, auth: `${url}/auth/v1` });
  });

  afterAll(async () => {
    client?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('authenticates with a token from HTTP Basic', async () => {
    const token = await client.authenticate('admin', password);
    expect(token.user).toBe('admin');
    expect(token.token.length).toBeGreaterThan(20);
    expect(Date.parse(token.expiry)).toBeGreaterThan(Date.now());
    await expect(
      st2client({ api: `${url}/api`, auth: `${url}/auth/v1` }).authenticate('admin', 'wrong-password'),
    ).rejects.toMatchObject({
      status: 401,
    });
  });

  it('lists actions and reads one', async () => {
    const actions = await client.actions.list();
    expect(actions.map((a) => a.ref)).toContain('core.local');
    const local = await client.actions.get('core.local');
    expect(local.runner_type).toBe('local-shell-cmd');
  });

  it('runs core.local cmd="echo hi" and reads it until it finishes', async () => {
    const created = await client.executions.create({ action: 'core.local', parameters: { cmd: 'echo hi' } });
    expect(created.action.ref).toBe('core.local');
    expect(created.context.user).toBe('admin');
    let e = created;
    const deadline = Date.now() + 20_000;
    while (!TERMINAL.includes(e.status) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      e = await client.executions.get(created.id);
    }
    expect(e.status).toBe('succeeded');
    expect(e.result.stdout).toBe('hi');
    expect(await client.executions.attribute(created.id, 'status')).toBe('succeeded');

    const listed = await client.executions.list({ action: 'core.local' });
    expect(listed.map((x) => x.id)).toContain(created.id);
    expect(client.executions.total).toBeGreaterThanOrEqual(1);
  });

  it('creates an API key that works, then deletes it', async () => {
    const created = await client.apikeys.create({ metadata: { purpose: 'st2client test' } });
    expect(created.user).toBe('admin');
    expect(created.key).toBeTruthy();
    const keyed = st2client({ api: `${url}/api`, auth: `${url}/auth/v1` }).setKey({ key: created.key ?? '' });
    expect((await keyed.actions.list()).length).toBeGreaterThan(0);
    expect((await client.apikeys.list()).map((k) => k.id)).toContain(created.id);
    await client.apikeys.delete(created.id);
    await expect(keyed.actions.list()).rejects.toMatchObject({ status: 401 });
  });

  it('pages through action aliases with the page size the server answered in X-Limit', async () => {
    const all = (await client.actionAlias.list({ limit: -1 })).map((a) => a.ref);
    expect(all.length).toBeGreaterThan(2);
    const pager = st2client({ api: `${url}/api`, auth: `${url}/auth/v1` });
    await pager.authenticate('admin', password);
    pager.actionAlias.limit = 2;
    const first = await pager.actionAlias.list();
    // Page 2 is built from the first answer's X-Limit; without it st2client sends limit=undefined.
    const second = await pager.actionAlias.list({ page: 2 });
    expect(pager.actionAlias.limit).toBe(2);
    expect(pager.actionAlias.total).toBe(all.length);
    expect([...first, ...second].map((a) => a.ref)).toEqual(all.slice(0, 4));
    pager.close();
  });

  it('reports API errors with their faultstring', async () => {
    await expect(client.executions.create({ action: 'core.nope' })).rejects.toMatchObject({
      status: 404,
      message: 'Action "core.nope" does not exist.',
    });
  });
});
