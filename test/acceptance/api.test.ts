import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AcceptanceServer, call, readSse, startAcceptanceServer, waitForExecution } from './acceptance-support.js';

// Issue 3 (REST API, auth) and issue 4 items 11-12 (stream, alias routes), checked against a real
// server over HTTP with StackStorm's paths, field names, headers and error shape.

let s: AcceptanceServer;
let admin: Record<string, string>;
let viewerToken: string;
let operatorKey: string;

type Json = Record<string, unknown>;

beforeAll(async () => {
  s = await startAcceptanceServer();
  admin = { 'St2-Api-Key': s.creds.api_key };
  await s.server.core.auth.createUser('vic', 'vic-password-123', ['viewer']);
  await s.server.core.auth.createUser('opal', 'opal-password-123', ['operator']);
  const tok = await call<Json>(s.url, 'POST', '/auth/v1/tokens', {
    headers: { Authorization: `Basic ${Buffer.from('vic:vic-password-123').toString('base64')}` },
  });
  viewerToken = String(tok.body.token);
  const key = await call<Json>(s.url, 'POST', '/api/v1/apikeys', { headers: admin, body: { user: 'opal' } });
  operatorKey = String(key.body.key);
}, 60_000);

afterAll(async () => {
  await s?.close();
});

function fault(body: unknown): string {
  expect(body).toMatchObject({ faultstring: expect.any(String) });
  const f = (body as { faultstring: string }).faultstring;
  expect(f).not.toMatch(/\n\s+at /); // never a stack trace
  return f;
}

async function run(action: string, parameters: Json, headers = admin): Promise<Json> {
  const r = await call<Json>(s.url, 'POST', '/api/v1/executions', { headers, body: { action, parameters } });
  expect(r.status, r.text).toBe(201);
  return r.body;
}

describe('first start and /health', () => {
  it('GET /health answers without credentials', async () => {
    const r = await call<Json>(s.url, 'GET', '/health');
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('ok');
  });

  it('writes <data-dir>/credentials as YAML with username, password and api_key, mode 0600', async () => {
    expect(s.creds.username).toBe('admin');
    expect(s.creds.password).toEqual(expect.any(String));
    expect(s.creds.api_key).toEqual(expect.any(String));
    expect((await stat(join(s.dataDir, 'credentials'))).mode & 0o777).toBe(0o600);
  });

  it('serves an OpenAPI document', async () => {
    const r = await call<Json>(s.url, 'GET', '/api/v1/openapi.json', { headers: admin });
    expect(r.status).toBe(200);
    expect(String(r.body.openapi)).toMatch(/^3\./);
    expect(Object.keys(r.body.paths as Json)).toEqual(expect.arrayContaining(['/api/v1/executions']));
  });
});

describe('authentication', () => {
  it('refuses every route but /health without credentials (401, faultstring)', async () => {
    const doc = await call<{ paths: Record<string, Record<string, unknown>> }>(s.url, 'GET', '/api/v1/openapi.json', {
      headers: admin,
    });
    const open = new Set(['/health', '/auth/v1/tokens', '/auth/v1/tokens/validate']);
    // Signing a browser out clears its cookies even when its token has already lapsed.
    const openMethods = new Set(['delete /auth/v1/session']);
    const checked: string[] = [];
    for (const [path, ops] of Object.entries(doc.body.paths)) {
      if (open.has(path)) continue;
      const concrete = path.replace(/\{[^}]+\}/g, 'x0');
      for (const method of Object.keys(ops)) {
        if (!['get', 'post', 'put', 'delete', 'patch'].includes(method)) continue;
        if (openMethods.has(`${method} ${path}`)) continue;
        const r = await call(
          s.url,
          method.toUpperCase(),
          concrete,
          method === 'get' || method === 'delete' ? {} : { body: {} },
        );
        expect(r.status, `${method} ${path}`).toBe(401);
        fault(r.body);
        checked.push(`${method} ${path}`);
      }
    }
    // the issue's routes are among those checked
    for (const route of [
      'get /api/v1/actions',
      'post /api/v1/executions',
      'get /api/v1/packs',
      'post /api/v1/packs/register',
      'post /api/v1/apikeys',
      'post /api/v1/actionalias/match',
      'get /api/v1/actionalias/help',
      'post /api/v1/aliasexecution',
      'post /api/v1/aliasexecution/match_and_execute',
    ]) {
      expect(checked).toContain(route);
    }
    for (const path of ['/api/v1/stream', '/api/v1/openapi.json']) {
      expect((await call(s.url, 'GET', path)).status, path).toBe(401);
    }
  });

  it('refuses wrong credentials with 401', async () => {
    expect((await call(s.url, 'GET', '/api/v1/actions', { headers: { 'St2-Api-Key': 'nope' } })).status).toBe(401);
    expect((await call(s.url, 'GET', '/api/v1/actions', { headers: { 'X-Auth-Token': 'nope' } })).status).toBe(401);
    const bad = await call(s.url, 'POST', '/auth/v1/tokens', {
      headers: { Authorization: `Basic ${Buffer.from('admin:wrong').toString('base64')}` },
    });
    expect(bad.status).toBe(401);
    fault(bad.body);
  });

  it('POST /auth/v1/tokens with HTTP Basic answers 201 {user, token, expiry}', async () => {
    const r = await call<Json>(s.url, 'POST', '/auth/v1/tokens', {
      headers: { Authorization: `Basic ${Buffer.from(`admin:${s.creds.password}`).toString('base64')}` },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ user: 'admin', token: expect.any(String), expiry: expect.any(String) });
    expect(Date.parse(String(r.body.expiry))).toBeGreaterThan(Date.now());
  });

  it('accepts credentials as headers and as query parameters', async () => {
    const key = encodeURIComponent(s.creds.api_key);
    const tok = encodeURIComponent(viewerToken);
    expect((await call(s.url, 'GET', '/api/v1/actions', { headers: { 'St2-Api-Key': s.creds.api_key } })).status).toBe(
      200,
    );
    expect((await call(s.url, 'GET', '/api/v1/actions', { headers: { 'X-Auth-Token': viewerToken } })).status).toBe(
      200,
    );
    expect((await call(s.url, 'GET', `/api/v1/actions?st2-api-key=${key}`)).status).toBe(200);
    expect((await call(s.url, 'GET', `/api/v1/actions?x-auth-token=${tok}`)).status).toBe(200);
  });

  it('a viewer reads but may not run an action (403); an operator may run but not write actions', async () => {
    const v = { 'X-Auth-Token': viewerToken };
    expect((await call(s.url, 'GET', '/api/v1/executions', { headers: v })).status).toBe(200);
    const r = await call(s.url, 'POST', '/api/v1/executions', {
      headers: v,
      body: { action: 'core.noop', parameters: {} },
    });
    expect(r.status).toBe(403);
    fault(r.body);
    const op = { 'St2-Api-Key': operatorKey };
    const ran = await run('core.noop', {}, op);
    expect((ran.context as Json).user).toBe('opal');
    const write = await call(s.url, 'POST', '/api/v1/actions', {
      headers: op,
      body: { name: 'x', pack: 'demo', runner_type: 'noop' },
    });
    expect(write.status).toBe(403);
  });
});

describe('actions', () => {
  it('lists with X-Total-Count, gets by ref and by id', async () => {
    const list = await call<Json[]>(s.url, 'GET', '/api/v1/actions?limit=2', { headers: admin });
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(2);
    expect(Number(list.headers.get('x-total-count'))).toBeGreaterThanOrEqual(5);
    const byRef = await call<Json>(s.url, 'GET', '/api/v1/actions/core.local', { headers: admin });
    expect(byRef.body).toMatchObject({
      ref: 'core.local',
      pack: 'core',
      name: 'local',
      runner_type: 'local-shell-cmd',
    });
    const byId = await call<Json>(s.url, 'GET', `/api/v1/actions/${String(byRef.body.id)}`, { headers: admin });
    expect(byId.body.ref).toBe('core.local');
  });

  it('creates (201), updates, deletes (204) an action', async () => {
    const def = { name: 'acc_noop', pack: 'demo', runner_type: 'noop', description: 'first', parameters: {} };
    const c = await call<Json>(s.url, 'POST', '/api/v1/actions', { headers: admin, body: def });
    expect(c.status, c.text).toBe(201);
    expect(c.body.ref).toBe('demo.acc_noop');
    const u = await call<Json>(s.url, 'PUT', '/api/v1/actions/demo.acc_noop', {
      headers: admin,
      body: { ...def, description: 'second' },
    });
    expect(u.status, u.text).toBe(200);
    expect((await call<Json>(s.url, 'GET', '/api/v1/actions/demo.acc_noop', { headers: admin })).body.description).toBe(
      'second',
    );
    expect((await call(s.url, 'DELETE', '/api/v1/actions/demo.acc_noop', { headers: admin })).status).toBe(204);
    const gone = await call(s.url, 'GET', '/api/v1/actions/demo.acc_noop', { headers: admin });
    expect(gone.status).toBe(404);
    fault(gone.body);
  });
});

describe('executions', () => {
  it('create {action, parameters}, get until done, output', async () => {
    const e = await run('core.local', { cmd: 'echo hi' });
    expect(e).toMatchObject({ id: expect.any(String), status: expect.any(String) });
    expect((e.action as Json).ref).toBe('core.local');
    const done = await waitForExecution(s.url, admin, String(e.id));
    expect(done.status).toBe('succeeded');
    expect(done.result).toMatchObject({ stdout: 'hi', return_code: 0 });
    const out = await call(s.url, 'GET', `/api/v1/executions/${String(e.id)}/output`, { headers: admin });
    expect(out.status).toBe(200);
    expect(out.text).toBe('hi\n');
  });

  it('lists with filters action, status, user, parent, limit/offset and X-Total-Count', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(String((await run('core.echo', { message: `n${i}` })).id));
    for (const id of ids) await waitForExecution(s.url, admin, id);
    const all = await call<Json[]>(s.url, 'GET', '/api/v1/executions?action=core.echo&status=succeeded&user=admin', {
      headers: admin,
    });
    expect(all.status).toBe(200);
    expect(all.body.map((e) => e.id)).toEqual(expect.arrayContaining(ids));
    expect(all.body.every((e) => (e.action as Json).ref === 'core.echo' && e.status === 'succeeded')).toBe(true);
    expect(Number(all.headers.get('x-total-count'))).toBe(all.body.length);
    const page = await call<Json[]>(s.url, 'GET', '/api/v1/executions?action=core.echo&limit=1&offset=1', {
      headers: admin,
    });
    expect(page.body).toHaveLength(1);
    expect(page.body[0]!.id).toBe(all.body[1]!.id);
    expect(Number(page.headers.get('x-total-count'))).toBe(all.body.length);
    const none = await call<Json[]>(s.url, 'GET', '/api/v1/executions?user=nobody', { headers: admin });
    expect(none.body).toEqual([]);
    expect(none.headers.get('x-total-count')).toBe('0');
    const parent = await call<Json[]>(s.url, 'GET', `/api/v1/executions?parent=${ids[0]}`, { headers: admin });
    expect(parent.status).toBe(200);
    expect(parent.body).toEqual([]);
  });

  it('POST /{id}/re_run makes a new execution with overrides', async () => {
    const e = await run('core.local', { cmd: 'echo first' });
    await waitForExecution(s.url, admin, String(e.id));
    const r = await call<Json>(s.url, 'POST', `/api/v1/executions/${String(e.id)}/re_run`, {
      headers: admin,
      body: { parameters: { cmd: 'echo second' } },
    });
    expect(r.status, r.text).toBe(201);
    expect(r.body.id).not.toBe(e.id);
    const done = await waitForExecution(s.url, admin, String(r.body.id));
    expect((done.result as Json).stdout).toBe('second');
  });

  it('DELETE cancels a running execution', async () => {
    const e = await run('core.local', { cmd: 'sleep 30' });
    const id = String(e.id);
    for (let i = 0; i < 100; i++) {
      const g = await call<Json>(s.url, 'GET', `/api/v1/executions/${id}`, { headers: admin });
      if (g.body.status === 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const c = await call<Json>(s.url, 'DELETE', `/api/v1/executions/${id}`, { headers: admin });
    expect(c.status, c.text).toBe(200);
    expect(['canceling', 'canceled']).toContain(c.body.status);
    expect((await waitForExecution(s.url, admin, id)).status).toBe('canceled');
  });
});

describe('bad input gets a 4xx that names the problem', () => {
  it('invalid JSON', async () => {
    const r = await call(s.url, 'POST', '/api/v1/executions', { headers: admin, rawBody: '{"action":' });
    expect(r.status).toBe(400);
    expect(fault(r.body)).toMatch(/JSON/);
  });

  it('unknown action', async () => {
    const r = await call(s.url, 'POST', '/api/v1/executions', { headers: admin, body: { action: 'core.nope' } });
    expect(r.status).toBe(404);
    expect(fault(r.body)).toContain('core.nope');
  });

  it('unknown parameter and wrongly typed parameter', async () => {
    const u = await call(s.url, 'POST', '/api/v1/executions', {
      headers: admin,
      body: { action: 'core.local', parameters: { cmd: 'true', colour: 'red' } },
    });
    expect(u.status).toBe(400);
    expect(fault(u.body)).toContain('colour');
    const t = await call(s.url, 'POST', '/api/v1/executions', {
      headers: admin,
      body: { action: 'core.local', parameters: { cmd: 'true', timeout: 'soon' } },
    });
    expect(t.status).toBe(400);
    expect(fault(t.body)).toContain('timeout');
  });

  it('oversized body', async () => {
    const r = await call(s.url, 'POST', '/api/v1/executions', {
      headers: admin,
      body: { action: 'core.local', parameters: { cmd: 'x'.repeat(2 * 1024 * 1024) } },
    });
    expect(r.status).toBe(413);
    fault(r.body);
    expect((await call(s.url, 'GET', '/health')).status).toBe(200);
  });
});

describe('packs and API keys', () => {
  it('lists and gets packs, registers them', async () => {
    const list = await call<Json[]>(s.url, 'GET', '/api/v1/packs', { headers: admin });
    expect(list.body.map((p) => p.ref)).toEqual(expect.arrayContaining(['core', 'chatops']));
    expect(list.headers.get('x-total-count')).toBe(String(list.body.length));
    expect((await call<Json>(s.url, 'GET', '/api/v1/packs/core', { headers: admin })).body).toMatchObject({
      ref: 'core',
      name: 'core',
    });
    const reg = await call<Json>(s.url, 'POST', '/api/v1/packs/register', {
      headers: admin,
      body: { packs: ['core'] },
    });
    expect(reg.status, reg.text).toBe(200);
    expect(reg.body.actions).toBeGreaterThan(0);
  });

  it('creates (key shown once), lists, gets and deletes an API key', async () => {
    const c = await call<Json>(s.url, 'POST', '/api/v1/apikeys', {
      headers: admin,
      body: { metadata: { why: 'test' } },
    });
    expect(c.status).toBe(201);
    const key = String(c.body.key);
    const id = String(c.body.id);
    expect((await call(s.url, 'GET', '/api/v1/actions', { headers: { 'St2-Api-Key': key } })).status).toBe(200);
    const list = await call<Json[]>(s.url, 'GET', '/api/v1/apikeys', { headers: admin });
    expect(list.body.map((k) => k.id)).toContain(id);
    expect(list.text).not.toContain(key);
    const one = await call<Json>(s.url, 'GET', `/api/v1/apikeys/${id}`, { headers: admin });
    expect(one.body).toMatchObject({ id, user: 'admin' });
    expect(one.text).not.toContain(key);
    expect((await call(s.url, 'DELETE', `/api/v1/apikeys/${id}`, { headers: admin })).status).toBe(204);
    expect((await call(s.url, 'GET', '/api/v1/actions', { headers: { 'St2-Api-Key': key } })).status).toBe(401);
  });
});

describe('action aliases over the API (issue 4, item 12)', () => {
  it('POST /api/v1/actionalias/match answers StackStorm fields plus parameters', async () => {
    const r = await call<Json>(s.url, 'POST', '/api/v1/actionalias/match', {
      headers: admin,
      body: { command: 'run echo "a b"' },
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({
      actionalias: { ref: 'chatops.run', action_ref: 'core.local' },
      display: expect.any(String),
      representation: expect.any(String),
      parameters: { cmd: 'echo "a b"' },
    });
  });

  it('no match is a 4xx naming the closest commands', async () => {
    const r = await call(s.url, 'POST', '/api/v1/actionalias/match', { headers: admin, body: { command: 'frob it' } });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(fault(r.body)).toMatch(/run/);
  });

  it('refuses a command longer than the maximum with 400 SQ_ALIAS_COMMAND_TOO_LONG naming the limit', async () => {
    const r = await call<Json>(s.url, 'POST', '/api/v1/actionalias/match', {
      headers: admin,
      body: { command: `run ${'x on '.repeat(2000)}` },
    });
    expect(r.status, r.text).toBe(400);
    expect(r.body).toMatchObject({ code: 'SQ_ALIAS_COMMAND_TOO_LONG' });
    expect(fault(r.body)).toMatch(/at most 8192 characters/);
  });

  it('GET /api/v1/actionalias/help answers {available, helpstrings}', async () => {
    const r = await call<{ available: number; helpstrings: Json[] }>(s.url, 'GET', '/api/v1/actionalias/help', {
      headers: admin,
    });
    expect(r.status).toBe(200);
    expect(r.body.available).toBeGreaterThan(0);
    expect(r.body.helpstrings[0]).toMatchObject({ pack: expect.any(String), display: expect.any(String) });
    const page = await call<{ helpstrings: Json[] }>(s.url, 'GET', '/api/v1/actionalias/help?limit=1', {
      headers: admin,
    });
    expect(page.body.helpstrings).toHaveLength(1);
    const filtered = await call<{ helpstrings: Json[] }>(s.url, 'GET', '/api/v1/actionalias/help?filter=curl', {
      headers: admin,
    });
    expect(filtered.body.helpstrings.map((h) => h.display)).toEqual([expect.stringContaining('curl')]);
  });

  it('CRUD on /api/v1/actionalias', async () => {
    const def = {
      name: 'acc_hello',
      pack: 'demo',
      action_ref: 'core.echo',
      description: 'say hello',
      formats: ['acc hello {{ message }}'],
      enabled: true,
    };
    const c = await call<Json>(s.url, 'POST', '/api/v1/actionalias', { headers: admin, body: def });
    expect(c.status, c.text).toBe(201);
    expect(c.body.ref).toBe('demo.acc_hello');
    const list = await call<Json[]>(s.url, 'GET', '/api/v1/actionalias', { headers: admin });
    expect(list.body.map((a) => a.ref)).toContain('demo.acc_hello');
    const m = await call<Json>(s.url, 'POST', '/api/v1/actionalias/match', {
      headers: admin,
      body: { command: 'acc hello world' },
    });
    expect(m.body.parameters).toEqual({ message: 'world' });
    const u = await call<Json>(s.url, 'PUT', '/api/v1/actionalias/demo.acc_hello', {
      headers: admin,
      body: { ...def, description: 'changed' },
    });
    expect(u.status, u.text).toBe(200);
    expect(
      (await call<Json>(s.url, 'GET', '/api/v1/actionalias/demo.acc_hello', { headers: admin })).body.description,
    ).toBe('changed');
    expect((await call(s.url, 'DELETE', '/api/v1/actionalias/demo.acc_hello', { headers: admin })).status).toBe(204);
    expect((await call(s.url, 'GET', '/api/v1/actionalias/demo.acc_hello', { headers: admin })).status).toBe(404);
  });

  it('POST /api/v1/aliasexecution runs the alias (StackStorm body)', async () => {
    const r = await call<Json>(s.url, 'POST', '/api/v1/aliasexecution', {
      headers: admin,
      body: {
        name: 'run',
        format: 'run {{ cmd }}',
        command: 'run echo via-alias',
        user: 'bob',
        source_channel: 'ops',
        notification_route: 'cli',
      },
    });
    expect(r.status, r.text).toBe(201);
    const ex = r.body.execution as Json;
    expect(ex.parameters).toMatchObject({ cmd: 'echo via-alias' });
    const done = await waitForExecution(s.url, admin, String(ex.id));
    expect((done.result as Json).stdout).toBe('via-alias');
  });

  it('POST /api/v1/aliasexecution/match_and_execute answers {results: [{execution, ...}]}', async () => {
    const r = await call<{ results: Json[] }>(s.url, 'POST', '/api/v1/aliasexecution/match_and_execute', {
      headers: admin,
      body: { command: 'run echo m-and-e', user: 'bob', source_channel: 'ops', notification_route: 'cli' },
    });
    expect(r.status, r.text).toBe(201);
    expect(r.body.results).toHaveLength(1);
    const ex = r.body.results[0]!.execution as Json;
    expect((ex.action as Json).ref).toBe('core.local');
    expect((await waitForExecution(s.url, admin, String(ex.id))).status).toBe('succeeded');
  });
});

describe('GET /api/v1/stream (issue 4, item 11)', () => {
  it("sends StackStorm's event names and resumes with Last-Event-ID", async () => {
    let id = '';
    const first = await readSse(
      s.url,
      '/api/v1/stream',
      admin,
      (evs) =>
        evs.some((e) => e.event === 'st2.execution__update' && e.data.includes('"succeeded"') && e.data.includes(id)),
      {
        onOpen: async () => {
          id = String((await run('core.local', { cmd: 'echo streamed' })).id);
        },
      },
    );
    expect(first.status).toBe(200);
    expect(first.contentType).toMatch(/text\/event-stream/);
    const mine = first.events.filter((e) => e.data.includes(id));
    const names = new Set(mine.map((e) => e.event));
    expect(names).toContain('st2.execution__create');
    expect(names).toContain('st2.execution__update');
    // StackStorm's default whitelist leaves output events out; a client names them to get them.
    expect(names).not.toContain('st2.execution_output__create');
    for (const e of mine) expect(e.id).toMatch(/\S/);

    // Reconnect after the create event: everything after it comes again, filtered by event type.
    const create = mine.find((e) => e.event === 'st2.execution__create')!;
    const resumed = await readSse(
      s.url,
      '/api/v1/stream?events=st2.execution__update',
      { ...admin, 'Last-Event-ID': String(create.id) },
      (evs) => evs.some((e) => e.data.includes(id) && e.data.includes('"succeeded"')),
      { timeoutMs: 5_000 },
    );
    const missed = resumed.events.filter((e) => e.data.includes(id));
    expect(missed.length).toBeGreaterThan(0);
    expect(new Set(resumed.events.map((e) => e.event))).toEqual(new Set(['st2.execution__update']));
  });

  it('sends st2.execution_output__create {execution_id, output_type, data} when asked for', async () => {
    let id = '';
    const r = await readSse(
      s.url,
      '/api/v1/stream?events=st2.execution_output__create',
      admin,
      (evs) => evs.some((e) => e.data.includes(id) && e.data.includes('live-out')),
      {
        onOpen: async () => {
          id = String((await run('core.local', { cmd: 'echo live-out' })).id);
        },
      },
    );
    const ev = r.events.find((e) => e.data.includes(id));
    expect(ev?.event).toBe('st2.execution_output__create');
    expect(JSON.parse(ev!.data)).toMatchObject({ execution_id: id, output_type: 'stdout', data: 'live-out\n' });
  });
});
