import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, makeApiHarness } from './api-harness.js';

describe('actions, runner types and packs API', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await makeApiHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('lists actions with a pack filter and X-Total-Count, and gets one by ref', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/actions?pack=core', headers: h.as('viewer') });
    expect(res.statusCode).toBe(200);
    const refs = res.json<{ ref: string }[]>().map((a) => a.ref);
    expect(refs).toContain('core.local');
    expect(refs.every((r) => r.startsWith('core.'))).toBe(true);
    expect(Number(res.headers['x-total-count'])).toBe(refs.length);
    const one = await h.app.inject({ method: 'GET', url: '/api/v1/actions/core.local', headers: h.as('viewer') });
    expect(one.json()).toMatchObject({ ref: 'core.local', runner_type: 'local-shell-cmd', pack: 'core' });
    const missing = await h.app.inject({ method: 'GET', url: '/api/v1/actions/core.nope', headers: h.as('viewer') });
    expect(missing.statusCode).toBe(404);
  });

  it("shows an action's parameters merged with its runner's", async () => {
    const res = await h.app.inject({
      method: 'GET',
      url: '/api/v1/actions/views/parameters/core.local',
      headers: h.as('viewer'),
    });
    const params = res.json<{ parameters: Record<string, { type?: string; required?: boolean }> }>().parameters;
    expect(params.cmd).toMatchObject({ type: 'string', required: true });
    expect(Object.keys(params)).toEqual(expect.arrayContaining(['cmd', 'cwd', 'timeout']));
  });

  it('creates, replaces and deletes an action (admin)', async () => {
    const body = {
      pack: 'demo',
      name: 'hello',
      runner_type: 'local-shell-cmd',
      description: 'says hello',
      parameters: { cmd: { default: 'echo hello' } },
    };
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/v1/actions',
      headers: h.as('admin'),
      payload: body,
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ ref: 'demo.hello', uid: 'action:demo:hello', enabled: true });
    const dup = await h.app.inject({ method: 'POST', url: '/api/v1/actions', headers: h.as('admin'), payload: body });
    expect(dup.statusCode).toBe(409);

    const put = await h.app.inject({
      method: 'PUT',
      url: '/api/v1/actions/demo.hello',
      headers: h.as('admin'),
      payload: { ...created.json<object>(), description: 'says hello again' },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ id: created.json<{ id: string }>().id, description: 'says hello again' });

    const del = await h.app.inject({ method: 'DELETE', url: '/api/v1/actions/demo.hello', headers: h.as('admin') });
    expect(del.statusCode).toBe(204);
    const gone = await h.app.inject({ method: 'GET', url: '/api/v1/actions/demo.hello', headers: h.as('admin') });
    expect(gone.statusCode).toBe(404);
  });

  it('validates actions like the pack loader: runner known, names and parameter overrides', async () => {
    const post = (payload: object) =>
      h.app.inject({ method: 'POST', url: '/api/v1/actions', headers: h.as('admin'), payload });
    const runner = await post({ name: 'x', runner_type: 'telepathy' });
    expect(runner.statusCode).toBe(400);
    expect(runner.json()).toMatchObject({ code: 'SQ_RUNNER_NOT_FOUND' });
    expect(runner.json().faultstring).toContain('Unknown runner_type "telepathy"');
    const paramName = await post({ name: 'x', runner_type: 'noop', parameters: { 'bad-name': { type: 'string' } } });
    expect(paramName.statusCode).toBe(400);
    const paramType = await post({ name: 'x', runner_type: 'noop', parameters: { n: { type: 'float' } } });
    expect(paramType.json().faultstring).toContain("'parameters.n.type' must be one of string");
    const override = await post({
      name: 'x',
      runner_type: 'local-shell-cmd',
      parameters: { cmd: { type: 'integer' } },
    });
    expect(override.json().faultstring).toContain(
      'may only override default, description, enum, immutable, required and secret, not type',
    );
    const noName = await post({ runner_type: 'noop' });
    expect(noName.json().faultstring).toBe("Invalid body: 'name' is required");
  });

  it('lists runner types with their parameters', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/runnertypes', headers: h.as('viewer') });
    const runners = res.json<{ name: string; runner_parameters: Record<string, unknown> }[]>();
    const shell = runners.find((r) => r.name === 'local-shell-cmd');
    expect(shell?.runner_parameters).toHaveProperty('cmd');
    const one = await h.app.inject({ method: 'GET', url: '/api/v1/runnertypes/noop', headers: h.as('viewer') });
    expect(one.json()).toMatchObject({ name: 'noop', uid: 'runner_type:noop' });
  });

  it('lists packs, gets one, and registers them with counts and problems', async () => {
    const list = await h.app.inject({ method: 'GET', url: '/api/v1/packs', headers: h.as('viewer') });
    expect(list.json<{ ref: string }[]>().map((p) => p.ref)).toContain('core');
    const core = await h.app.inject({ method: 'GET', url: '/api/v1/packs/core', headers: h.as('viewer') });
    expect(core.json()).toMatchObject({ ref: 'core' });
    const missing = await h.app.inject({ method: 'GET', url: '/api/v1/packs/nope', headers: h.as('viewer') });
    expect(missing.json()).toMatchObject({ code: 'SQ_PACK_NOT_FOUND' });

    const reg = await h.app.inject({
      method: 'POST',
      url: '/api/v1/packs/register',
      headers: h.as('admin'),
      payload: { packs: ['core'] },
    });
    expect(reg.statusCode).toBe(200);
    const counts = reg.json<{ packs: number; actions: number; aliases: number; problems: unknown[] }>();
    expect(counts.packs).toBe(1);
    expect(counts.actions).toBeGreaterThan(0);
    expect(Array.isArray(counts.problems)).toBe(true);
  });
});

describe('API keys and users API', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await makeApiHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('creates a key shown once, lists own keys, disables and deletes it', async () => {
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/v1/apikeys',
      headers: h.as('viewer'),
      payload: { metadata: { purpose: 'ci' } },
    });
    expect(created.statusCode).toBe(201);
    const k = created.json<{
      id: string;
      key: string;
      user: string;
      key_hash: string;
      uid: string;
      enabled: boolean;
    }>();
    expect(k).toMatchObject({ user: 'viewer', enabled: true, metadata: { purpose: 'ci' } });
    expect(k.uid).toBe(`api_key:${k.key_hash}`);
    expect(
      (await h.app.inject({ method: 'GET', url: '/api/v1/actions', headers: { 'st2-api-key': k.key } })).statusCode,
    ).toBe(200);

    const list = await h.app.inject({ method: 'GET', url: '/api/v1/apikeys', headers: h.as('viewer') });
    expect(list.body).not.toContain(k.key);
    expect(list.json<{ user: string }[]>().every((x) => x.user === 'viewer')).toBe(true);
    const all = await h.app.inject({ method: 'GET', url: '/api/v1/apikeys', headers: h.as('admin') });
    expect(new Set(all.json<{ user: string }[]>().map((x) => x.user))).toEqual(
      new Set(['admin', 'operator', 'viewer']),
    );

    const disabled = await h.app.inject({
      method: 'PUT',
      url: `/api/v1/apikeys/${k.id}`,
      headers: h.as('viewer'),
      payload: { ...list.json<object[]>().find((x) => (x as { id: string }).id === k.id), enabled: false },
    });
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json()).toMatchObject({ enabled: false });
    expect(
      (await h.app.inject({ method: 'GET', url: '/api/v1/actions', headers: { 'st2-api-key': k.key } })).statusCode,
    ).toBe(401);

    const del = await h.app.inject({ method: 'DELETE', url: `/api/v1/apikeys/${k.id}`, headers: h.as('viewer') });
    expect(del.statusCode).toBe(204);
    expect(
      (await h.app.inject({ method: 'GET', url: `/api/v1/apikeys/${k.id}`, headers: h.as('viewer') })).statusCode,
    ).toBe(404);
  });

  it('keeps non-admins to their own keys', async () => {
    const forOther = await h.app.inject({
      method: 'POST',
      url: '/api/v1/apikeys',
      headers: h.as('operator'),
      payload: { user: 'admin' },
    });
    expect(forOther.statusCode).toBe(403);
    const adminKey = (await h.store.apiKeys.list({ user: 'admin' }))[0];
    const del = await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/apikeys/${adminKey?.id}`,
      headers: h.as('operator'),
    });
    // Someone else's key answers as a missing one, so its existence cannot be probed.
    expect(del.statusCode).toBe(404);
    const byAdmin = await h.app.inject({
      method: 'POST',
      url: '/api/v1/apikeys',
      headers: h.as('admin'),
      payload: { user: 'operator' },
    });
    expect(byAdmin.statusCode).toBe(201);
    expect(byAdmin.json()).toMatchObject({ user: 'operator' });
  });

  it('creates users (admin) without ever showing the hash, and maps chat nicknames', async () => {
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: h.as('admin'),
      payload: { name: 'dana', password: 'long-enough-1', roles: ['operator'] },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ name: 'dana', roles: ['operator'], enabled: true, has_password: true });
    expect(created.body).not.toContain('scrypt');
    const users = await h.app.inject({ method: 'GET', url: '/api/v1/users', headers: h.as('admin') });
    expect(users.json<{ name: string }[]>().map((u) => u.name)).toContain('dana');
    expect(users.body).not.toContain('scrypt');
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/users', headers: h.as('operator') })).statusCode).toBe(
      403,
    );

    const nick = await h.app.inject({
      method: 'PUT',
      url: '/api/v1/users/dana/nicknames/slack',
      headers: h.as('admin'),
      payload: { nickname: 'U123' },
    });
    expect(nick.statusCode).toBe(200);
    expect(nick.json()).toMatchObject({ nicknames: { slack: 'U123' } });
    expect((await h.store.users.findByNickname('slack', 'U123'))?.name).toBe('dana');
    const taken = await h.app.inject({
      method: 'PUT',
      url: '/api/v1/users/operator/nicknames/slack',
      headers: h.as('admin'),
      payload: { nickname: 'U123' },
    });
    expect(taken.statusCode).toBe(409);
    const removed = await h.app.inject({
      method: 'DELETE',
      url: '/api/v1/users/dana/nicknames/slack',
      headers: h.as('admin'),
    });
    expect(removed.statusCode).toBe(204);
    expect(await h.store.users.findByNickname('slack', 'U123')).toBeUndefined();
  });

  it('disables a user, whose credentials then stop working', async () => {
    await h.auth.createUser('erin', 'long-enough-1', ['viewer']);
    const { key } = await h.auth.createApiKey('erin');
    const res = await h.app.inject({
      method: 'PUT',
      url: '/api/v1/users/erin',
      headers: h.as('admin'),
      payload: { enabled: false },
    });
    expect(res.json()).toMatchObject({ enabled: false });
    expect(
      (await h.app.inject({ method: 'GET', url: '/api/v1/actions', headers: { 'st2-api-key': key } })).statusCode,
    ).toBe(401);
  });
});
