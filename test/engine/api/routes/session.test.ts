import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ApiHarness, makeApiHarness, PASSWORD } from '../api-harness.js';

interface SignedIn {
  cookie: string;
  csrf: string;
  setCookie: string[];
}

function cookiesOf(setCookie: string | string[] | undefined): SignedIn {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const pairs = list.map((c) => c.split(';')[0]!);
  const csrf = pairs.find((p) => p.startsWith('squall_csrf='))!.slice('squall_csrf='.length);
  return { cookie: pairs.join('; '), csrf, setCookie: list };
}

describe('web session: cookie sign-in, CSRF on writes, sign-out', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await makeApiHarness({}, 3600);
  });
  afterAll(async () => {
    vi.useRealTimers();
    await h.close();
  });

  const signIn = async (body: object) => {
    const res = await h.app.inject({ method: 'POST', url: '/auth/v1/session', payload: body });
    return {
      res,
      ...(res.statusCode === 201 ? cookiesOf(res.headers['set-cookie']) : { cookie: '', csrf: '', setCookie: [] }),
    };
  };

  it('signs in with a password: an httpOnly SameSite=Strict token cookie, a readable CSRF cookie, no token in the body', async () => {
    const { res, setCookie } = await signIn({ username: 'operator', password: PASSWORD });
    expect(res.statusCode).toBe(201);
    const body = res.json<Record<string, unknown>>();
    expect(body).toMatchObject({ user: 'operator', roles: ['operator'] });
    expect(body.permissions).toContain('execution:run');
    expect(body.permissions).not.toContain('pack:register');
    expect(Date.parse(String(body.expiry))).toBeGreaterThan(Date.now());
    expect(JSON.stringify(body)).not.toMatch(/token/);
    const session = setCookie.find((c) => c.startsWith('squall_session='))!;
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Strict/);
    expect(session).toMatch(/; Path=\//);
    expect(session).toMatch(/Max-Age=3[56]\d\d/);
    const csrf = setCookie.find((c) => c.startsWith('squall_csrf='))!;
    expect(csrf).not.toMatch(/HttpOnly/);
    expect(csrf).toMatch(/SameSite=Strict/);
  });

  it('refuses a wrong password and an unknown API key with 401, and a body giving both kinds with 400', async () => {
    expect((await signIn({ username: 'operator', password: 'nope-nope' })).res.statusCode).toBe(401);
    expect((await signIn({ api_key: 'not-a-key' })).res.statusCode).toBe(401);
    const both = await signIn({ username: 'operator', password: PASSWORD, api_key: h.keys.operator });
    expect(both.res.statusCode).toBe(400);
    expect(both.res.json()).toMatchObject({ faultstring: 'Give either username and password or api_key, not both' });
  });

  it('reads with the cookie alone, and answers who is signed in', async () => {
    const { cookie } = await signIn({ api_key: h.keys.viewer });
    const me = await h.app.inject({ method: 'GET', url: '/auth/v1/session', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ user: 'viewer', roles: ['viewer'] });
    const actions = await h.app.inject({ method: 'GET', url: '/api/v1/actions?limit=1', headers: { cookie } });
    expect(actions.statusCode).toBe(200);
  });

  it('refuses a write with the cookie unless X-CSRF-Token equals the CSRF cookie', async () => {
    const { cookie, csrf } = await signIn({ username: 'operator', password: PASSWORD });
    const run = (headers: Record<string, string>) =>
      h.app.inject({
        method: 'POST',
        url: '/api/v1/executions',
        headers: { cookie, ...headers },
        payload: { action: 'core.noop' },
      });
    const missing = await run({});
    expect(missing.statusCode).toBe(403);
    expect(missing.json().faultstring).toMatch(/X-CSRF-Token/);
    expect((await run({ 'x-csrf-token': `${csrf}x` })).statusCode).toBe(403);
    const ok = await run({ 'x-csrf-token': csrf });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ context: { user: 'operator' } });
  });

  it('still checks the role behind the cookie: a viewer is refused a run', async () => {
    const { cookie, csrf } = await signIn({ username: 'viewer', password: PASSWORD });
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/executions',
      headers: { cookie, 'x-csrf-token': csrf },
      payload: { action: 'core.noop' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().faultstring).toMatch(/lacks permission "execution:run"/);
  });

  it('signs out: the token is revoked and the cookies cleared', async () => {
    const { cookie } = await signIn({ username: 'operator', password: PASSWORD });
    const out = await h.app.inject({ method: 'DELETE', url: '/auth/v1/session', headers: { cookie } });
    expect(out.statusCode).toBe(204);
    const cleared = ([] as string[]).concat(out.headers['set-cookie'] ?? []);
    expect(cleared.every((c) => /Max-Age=0/.test(c))).toBe(true);
    const after = await h.app.inject({ method: 'GET', url: '/auth/v1/session', headers: { cookie } });
    expect(after.statusCode).toBe(401);
  });

  it('ends the session when the token expires', async () => {
    const { cookie } = await signIn({ username: 'operator', password: PASSWORD, ttl: 60 });
    vi.useFakeTimers({ now: Date.now() + 61_000, toFake: ['Date'] });
    try {
      const res = await h.app.inject({ method: 'GET', url: '/api/v1/actions', headers: { cookie } });
      expect(res.statusCode).toBe(401);
      expect(res.json().faultstring).toMatch(/expired/);
    } finally {
      vi.useRealTimers();
    }
  });
});
