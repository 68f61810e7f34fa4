import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ApiHarness, basic, makeApiHarness, PASSWORD } from './api-harness.js';

describe('API authentication and roles', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await makeApiHarness();
  });
  afterAll(async () => {
    vi.useRealTimers();
    await h.close();
  });

  it('serves /health without credentials', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok' });
  });

  it('answers 401 with a faultstring when credentials are missing', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/actions' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({
      faultstring: 'Unauthorized - One of Token or API key required.',
      code: 'SQ_UNAUTHORIZED',
    });
  });

  it('issues a token for HTTP Basic credentials and accepts it in the header and the query', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/auth/v1/tokens',
      headers: { authorization: basic('viewer', PASSWORD) },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json<{ user: string; token: string; expiry: string; metadata: object }>();
    expect(body).toMatchObject({ user: 'viewer', metadata: {} });
    const byHeader = await h.app.inject({
      method: 'GET',
      url: '/api/v1/actions',
      headers: { 'x-auth-token': body.token },
    });
    expect(byHeader.statusCode).toBe(200);
    const byQuery = await h.app.inject({ method: 'GET', url: `/api/v1/actions?x-auth-token=${body.token}` });
    expect(byQuery.statusCode).toBe(200);
    const keyByQuery = await h.app.inject({ method: 'GET', url: `/api/v1/actions?st2-api-key=${h.keys.viewer}` });
    expect(keyByQuery.statusCode).toBe(200);
  });

  it('refuses wrong passwords and missing Basic credentials', async () => {
    const wrong = await h.app.inject({
      method: 'POST',
      url: '/auth/v1/tokens',
      headers: { authorization: basic('viewer', 'not-the-password') },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().faultstring).toContain('Invalid user name or password');
    const none = await h.app.inject({ method: 'POST', url: '/auth/v1/tokens' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toContain('Basic');
  });

  it('refuses a ttl above the maximum', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/auth/v1/tokens',
      headers: { authorization: basic('viewer', PASSWORD) },
      payload: { ttl: 999_999 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().faultstring).toBe('TTL specified 999999 is greater than the maximum allowed 3600 seconds.');
  });

  it('answers 401 when both a token and an API key are given', async () => {
    const t = await h.auth.issueToken('admin');
    const res = await h.app.inject({
      method: 'GET',
      url: '/api/v1/actions',
      headers: { 'x-auth-token': t.token, 'st2-api-key': h.keys.admin },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().faultstring).toContain('Only one of Token or API key expected');
  });

  it('answers 401 for an unknown key and for an expired token', async () => {
    const unknown = await h.app.inject({
      method: 'GET',
      url: '/api/v1/actions',
      headers: { 'st2-api-key': 'made-up' },
    });
    expect(unknown.statusCode).toBe(401);
    const t = await h.auth.issueToken('operator', 30);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31_000);
    const expired = await h.app.inject({ method: 'GET', url: '/api/v1/actions', headers: { 'x-auth-token': t.token } });
    vi.useRealTimers();
    expect(expired.statusCode).toBe(401);
    expect(expired.json().faultstring).toContain('Token has expired');
  });

  it('forbids a viewer from running an action (403) and lets an operator', async () => {
    const payload = { action: 'core.noop' };
    const viewer = await h.app.inject({ method: 'POST', url: '/api/v1/executions', headers: h.as('viewer'), payload });
    expect(viewer.statusCode).toBe(403);
    expect(viewer.json()).toMatchObject({ code: 'SQ_FORBIDDEN' });
    expect(viewer.json().faultstring).toContain('execution:run');
    const operator = await h.app.inject({
      method: 'POST',
      url: '/api/v1/executions',
      headers: h.as('operator'),
      payload,
    });
    expect(operator.statusCode).toBe(201);
  });

  it('lets only admins register packs, create actions and users', async () => {
    for (const [method, url, payload] of [
      ['POST', '/api/v1/packs/register', {}],
      ['POST', '/api/v1/actions', { name: 'x', runner_type: 'noop' }],
      ['POST', '/api/v1/users', { name: 'zed', roles: ['viewer'] }],
    ] as const) {
      const res = await h.app.inject({ method, url, headers: h.as('operator'), payload });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
  });

  it('tells who the caller is', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/user', headers: h.as('operator') });
    expect(res.json()).toMatchObject({ username: 'operator', rbac: { roles: ['operator'], is_admin: false } });
  });

  it('validates tokens', async () => {
    const t = await h.auth.issueToken('viewer');
    const ok = await h.app.inject({ method: 'POST', url: '/auth/v1/tokens/validate', payload: { token: t.token } });
    expect(ok.json()).toEqual({ valid: true });
    const bad = await h.app.inject({ method: 'POST', url: '/auth/v1/tokens/validate', payload: { token: 'nope' } });
    expect(bad.json()).toEqual({ valid: false });
  });

  it('serves the OpenAPI document to authenticated callers, listing the routes and their security', async () => {
    const anonymous = await h.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(anonymous.statusCode).toBe(401);
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/openapi.json', headers: h.as('viewer') });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ openapi: string; paths: Record<string, Record<string, { security?: unknown[] }>> }>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/executions', '/api/v1/actions/{ref_or_id}', '/auth/v1/tokens', '/health']),
    );
    expect(doc.paths['/health']?.get?.security).toEqual([]);
  });
});
