import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, makeApiHarness } from './api-harness.js';

describe('API input checks (issue 9, defect 7)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await makeApiHarness({ bodyLimit: 4096 });
  });
  afterAll(async () => {
    await h.close();
  });

  async function send(method: 'POST' | 'PUT' | 'GET', url: string, payload?: object) {
    return h.app.inject({ method, url, headers: h.as('admin'), ...(payload ? { payload } : {}) });
  }

  it('refuses body values of the wrong type instead of casting them, naming the field', async () => {
    const cases: [method: 'POST' | 'PUT', url: string, body: object, field: string][] = [
      ['PUT', '/api/v1/users/operator', { enabled: null }, 'enabled'],
      ['PUT', '/api/v1/users/operator', { enabled: 'false' }, 'enabled'],
      ['POST', '/api/v1/executions', { action: 'core.noop', user: 123 }, 'user'],
      ['POST', '/api/v1/executions', { action: 7 }, 'action'],
      ['POST', '/api/v1/packs/register', { packs: 'core' }, 'packs'],
    ];
    for (const [method, url, body, field] of cases) {
      const res = await send(method, url, body);
      expect(res.statusCode, `${method} ${url} ${JSON.stringify(body)}`).toBe(400);
      expect(res.json().code).toBe('SQ_VALIDATION');
      expect(res.json().faultstring).toContain(`'${field}'`);
    }
    const user = await send('GET', '/api/v1/users/operator');
    expect(user.json().enabled).toBe(true);
  });

  it('refuses paging values that cannot be a page, on every list route, with 400 not 500', async () => {
    const routes = [
      '/api/v1/executions',
      '/api/v1/actions',
      '/api/v1/packs',
      '/api/v1/runnertypes',
      '/api/v1/users',
      '/api/v1/apikeys',
    ];
    for (const route of routes) {
      for (const q of [
        'offset=99999999999999999999',
        'limit=99999999999999999999',
        'offset=1e20',
        'limit=1e20',
        'offset=Infinity',
        'limit=Infinity',
        'limit=-5',
        'offset=-1',
        'limit=abc',
      ]) {
        const res = await send('GET', `${route}?${q}`);
        expect(res.statusCode, `${route}?${q}`).toBe(400);
        expect(res.json().code).toBe('SQ_VALIDATION');
        expect(res.json().faultstring).toMatch(/query parameter:? '(limit|offset)'/);
      }
      const capped = await send('GET', `${route}?limit=2000000`);
      expect(capped.statusCode, route).toBe(200);
      expect(Number(capped.headers['x-limit'])).toBeLessThanOrEqual(1000);
    }
  });

  it("answers fastify's and Node's own refusals as {faultstring, code}", async () => {
    const long = await send('GET', `/api/v1/executions/${'x'.repeat(5000)}`);
    expect(long.statusCode).toBe(414);
    expect(long.json()).toEqual({
      faultstring: 'A path parameter is longer than 100 characters',
      code: 'SQ_URI_TOO_LONG',
    });

    const badUrl = await send('GET', '/api/v1/executions/%zz');
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json().code).toBe('SQ_BAD_REQUEST');
    expect(badUrl.json().faultstring).toContain('percent-encoding');

    const wrong = await h.app.inject({ method: 'PATCH', url: '/api/v1/executions', headers: h.as('admin') });
    expect(wrong.statusCode).toBe(405);
    expect(wrong.json().code).toBe('SQ_METHOD_NOT_ALLOWED');

    const text = await h.app.inject({
      method: 'POST',
      url: '/api/v1/executions',
      headers: { ...h.as('admin'), 'content-type': `text/${'p'.repeat(5000)}` },
      payload: 'x',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json().code).toBe('SQ_UNSUPPORTED_MEDIA_TYPE');
    expect(text.json().faultstring.length).toBeLessThan(200);

    const big = await send('POST', '/api/v1/executions', { action: 'core.noop', context: { x: 'y'.repeat(8000) } });
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('SQ_PAYLOAD_TOO_LARGE');
  });

  it('quotes at most a bounded excerpt of the input in an error', async () => {
    const key = 'k'.repeat(3000);
    const res = await send('POST', '/api/v1/executions', { action: 'core.noop', [key]: 1 });
    expect(res.statusCode).toBe(400);
    expect(res.json().faultstring).toMatch(/^Invalid body: unknown property 'k{64}… \(3000 characters\)'$/);

    const notFound = await send('GET', `/api/v1/nothing/${'z'.repeat(3000)}`);
    expect(notFound.statusCode).toBe(404);
    expect(notFound.json().faultstring.length).toBeLessThan(200);
  });

  it('answers headers too large with 431 and {faultstring, code} on a real socket', async () => {
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = h.app.server.address() as AddressInfo;
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        { port, host: '127.0.0.1', path: '/health', headers: { 'x-big': 'b'.repeat(40_000) } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(431);
    expect(JSON.parse(body)).toEqual({
      faultstring: 'The request headers are larger than the limit of 16 KiB',
      code: 'SQ_HEADERS_TOO_LARGE',
    });
  });
});
