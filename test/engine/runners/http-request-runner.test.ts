import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../engine/model/json.js';
import { httpRequestRunner } from '../../../engine/runners/http-request-runner.js';
import { packageVersion } from '../../../lib/package-version.js';
import { type HttpEcho, startHttpEcho } from '../../support/http-echo.js';
import { waitFor } from '../../support/processes.js';
import { makeRunContext } from '../../support/run-context.js';

let server: HttpEcho;
beforeAll(async () => {
  server = await startHttpEcho();
});
afterAll(() => server.close());

function request(parameters: JsonObject) {
  const t = makeRunContext({ runnerType: 'http-request', parameters });
  return { t, done: httpRequestRunner.run(t.ctx) };
}

/** The request as the server saw it (the /echo body). */
function echoed(result: JsonObject): {
  method: string;
  query: Record<string, string[]>;
  headers: Record<string, string>;
  body: string;
} {
  expect(result.parsed).toBe(true);
  return result.body as never;
}

describe('http-request runner', () => {
  it('GETs a JSON answer, parses it, and sends a squall User-Agent', async () => {
    const out = await request({ url: `${server.url}/echo` }).done;
    expect(out.status).toBe('succeeded');
    expect(out.result.status_code).toBe(200);
    const seen = echoed(out.result);
    expect(seen.method).toBe('GET');
    expect(seen.headers['user-agent']).toBe(`squall/${packageVersion()}`);
    expect(packageVersion()).toBe(
      JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).version,
    );
    expect((out.result.headers as JsonObject)['x-echo']).toBe('yes');
  });

  it.each([
    [200, 'succeeded', { code: 200 }, true],
    [201, 'succeeded', { code: 201 }, true],
    [204, 'succeeded', '', false],
    [404, 'failed', 'status 404\n', false],
    [500, 'failed', { code: 500 }, true],
  ])('answers %i -> %s', async (code, status, body, parsed) => {
    const out = await request({ url: `${server.url}/status/${code}` }).done;
    expect(out.status).toBe(status);
    expect(out.result).toMatchObject({ status_code: code, body, parsed });
  });

  it('returns non-JSON bodies as text', async () => {
    const out = await request({ url: `${server.url}/text` }).done;
    expect(out.result).toMatchObject({ status_code: 200, body: 'hello\n', parsed: false });
  });

  it('adds query params, headers and basic auth', async () => {
    const out = await request({
      url: `${server.url}/echo?keep=1`,
      params: { q: 'a b&c', n: 2, list: ['x', 'y'] },
      headers: { 'X-Trace': 'abc', 'User-Agent': 'custom/1' },
      username: 'alice',
      password: 'p:ss',
    }).done;
    const seen = echoed(out.result);
    expect(seen.query).toEqual({ keep: ['1'], q: ['a b&c'], n: ['2'], list: ['x', 'y'] });
    expect(seen.headers['x-trace']).toBe('abc');
    expect(seen.headers['user-agent']).toBe('custom/1');
    expect(seen.headers.authorization).toBe(`Basic ${Buffer.from('alice:p:ss').toString('base64')}`);
  });

  it('POSTs an object body as JSON by default, a string body as is', async () => {
    const json = echoed((await request({ url: `${server.url}/echo`, body: { a: [1, 'x'] } }).done).result);
    expect(json.method).toBe('POST');
    expect(json.headers['content-type']).toBe('application/json');
    expect(JSON.parse(json.body)).toEqual({ a: [1, 'x'] });
    const text = echoed((await request({ url: `${server.url}/echo`, method: 'put', body: 'raw=1' }).done).result);
    expect(text.method).toBe('PUT');
    expect(text.body).toBe('raw=1');
  });

  it('does not follow redirects unless allow_redirects is set', async () => {
    const stay = await request({ url: `${server.url}/redirect` }).done;
    expect(stay.status).toBe('failed');
    expect(stay.result.status_code).toBe(302);
    expect((stay.result.headers as JsonObject).location).toBe('/echo');
    const follow = await request({ url: `${server.url}/redirect`, allow_redirects: true }).done;
    expect(follow.status).toBe('succeeded');
    expect(echoed(follow.result).method).toBe('GET');
  });

  it('times out after the timeout parameter', async () => {
    const out = await request({ url: `${server.url}/slow`, timeout: 1 }).done;
    expect(out.status).toBe('timeout');
    expect(out.result.error).toBe('Action failed to complete in 1 seconds');
  });

  it('is canceled when the signal aborts', async () => {
    const before = server.requests.length;
    const { t, done } = request({ url: `${server.url}/slow` });
    await waitFor(() => (server.requests.length > before ? true : undefined));
    t.controller.abort('cancel');
    expect((await done).status).toBe('canceled');
  });

  it('fails with an error for a refused connection and for a bad URL', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const refused = await request({ url: `http://127.0.0.1:${port}/` }).done;
    expect(refused.status).toBe('failed');
    expect(String(refused.result.error)).toContain('ECONNREFUSED');
    const bad = await request({ url: 'ftp://example.org/x' }).done;
    expect(bad.status).toBe('failed');
    expect(String(bad.result.error)).toContain('http');
  });

  describe.skipIf(!existsSync('/usr/bin/openssl'))('over TLS with a self-signed certificate', () => {
    let tls: HttpEcho;
    let dir: string;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'squall-tls-'));
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          join(dir, 'k.pem'),
          '-out',
          join(dir, 'c.pem'),
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
        ],
        { stdio: 'ignore' },
      );
      tls = await startHttpEcho({
        key: readFileSync(join(dir, 'k.pem'), 'utf8'),
        cert: readFileSync(join(dir, 'c.pem'), 'utf8'),
      });
    });
    afterAll(async () => {
      await tls.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('refuses the certificate by default and accepts it with verify_ssl_cert false', async () => {
      const strict = await request({ url: `${tls.url}/echo` }).done;
      expect(strict.status).toBe('failed');
      expect(String(strict.result.error)).toMatch(/certificate/i);
      const lax = await request({ url: `${tls.url}/echo`, verify_ssl_cert: false }).done;
      expect(lax.status).toBe('succeeded');
    });
  });
});
