import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, basic, makeApiHarness, PASSWORD } from './api-harness.js';

describe('API authentication against guessing and probing (issue 9, defect 10)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await makeApiHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  function login(user: string, password: string, remoteAddress = '10.0.0.1') {
    return h.app.inject({
      method: 'POST',
      url: '/auth/v1/tokens',
      remoteAddress,
      headers: { authorization: basic(user, password) },
    });
  }

  it('answers 429 with Retry-After once a user has used up its failed attempts, even for the right password', async () => {
    await h.auth.createUser('guessed', PASSWORD, ['viewer']);
    for (let i = 0; i < 5; i++) expect((await login('guessed', `wrong-${i}-pw`, `10.1.0.${i}`)).statusCode).toBe(401);
    const refused = await login('guessed', PASSWORD, '10.1.0.99');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().code).toBe('SQ_TOO_MANY_REQUESTS');
    expect(refused.json().faultstring).toMatch(/^Too many failed password attempts; try again in \d+ s$/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Another user is not held up by this one's failures.
    expect((await login('viewer', PASSWORD, '10.1.0.98')).statusCode).toBe(201);
  });

  it('answers 429 once an address has used up its failed attempts, whatever user it names', async () => {
    for (let i = 0; i < 20; i++)
      expect((await login(`nobody-${i}`, 'wrong-password', '10.2.0.1')).statusCode).toBe(401);
    const refused = await login('operator', PASSWORD, '10.2.0.1');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect((await login('operator', PASSWORD, '10.2.0.2')).statusCode).toBe(201);
  });

  it("answers a viewer asking for someone else's API key exactly as for a missing one", async () => {
    const { apiKey } = await h.auth.createApiKey('admin');
    const ask = (id: string) => h.app.inject({ method: 'GET', url: `/api/v1/apikeys/${id}`, headers: h.as('viewer') });
    const existing = await ask(apiKey.id);
    const missing = await ask('0123456789abcdef01234567');
    expect(existing.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(existing.json().code).toBe(missing.json().code);
    expect(existing.json().faultstring.replace(apiKey.id, 'ID')).toBe(
      missing.json().faultstring.replace('0123456789abcdef01234567', 'ID'),
    );
    for (const method of ['PUT', 'DELETE'] as const) {
      const put = await h.app.inject({
        method,
        url: `/api/v1/apikeys/${apiKey.id}`,
        headers: h.as('viewer'),
        ...(method === 'PUT' ? { payload: { enabled: false } } : {}),
      });
      expect(put.statusCode, method).toBe(404);
    }
    const own = await ask(
      (await h.app.inject({ method: 'GET', url: '/api/v1/apikeys', headers: h.as('viewer') })).json()[0].id,
    );
    expect(own.statusCode).toBe(200);
  });
});
