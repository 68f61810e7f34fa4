import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpServer } from '../../../app/http/http-server.js';
import { mountWebUi, WEB_PAGES } from '../../../app/http/web-ui.js';

describe('web UI on the mount table', () => {
  let dir: string;
  let http: HttpServer;
  let url: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'squall-web-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>ui</title>');
    await writeFile(join(dir, 'assets', 'app-1.js'), 'console.log(1)');
    await writeFile(join(dir, 'secret.txt'), 'not an asset');
    http = new HttpServer();
    mountWebUi(http, dir);
    const api = Fastify({ serverFactory: http.serverFactory });
    api.setNotFoundHandler((req, reply) => {
      void reply.status(404).send({ faultstring: `No such route: ${req.method} ${req.url}`, code: 'SQ_NOT_FOUND' });
    });
    http.serve(api);
    url = await http.listen('127.0.0.1', 0);
  });
  afterAll(async () => {
    await http.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers index.html at / and at every page and its deep links, with a strict CSP', async () => {
    const paths = ['/', '/?x=1', ...WEB_PAGES.map((p) => `/${p}`), '/executions/abc123', '/actions/core.local'];
    for (const p of paths) {
      const res = await fetch(url + p);
      expect(res.status, p).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toContain('<title>ui</title>');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
    }
  });

  it('serves hashed assets for good, and nothing outside the assets folder', async () => {
    const js = await fetch(`${url}/assets/app-1.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect(js.headers.get('cache-control')).toContain('immutable');
    for (const p of ['/assets/../secret.txt', '/assets/%2e%2e/secret.txt', '/assets/missing.js', '/assets/']) {
      const res = await fetch(url + p);
      expect(res.status, p).toBe(404);
      expect(await res.json()).toMatchObject({ code: 'SQ_NOT_FOUND' });
    }
  });

  it('leaves every other path to the API, so unknown API paths still answer JSON 404s', async () => {
    for (const p of ['/api/v1/nothing', '/executionsx', '/stream/v1/x']) {
      const res = await fetch(url + p);
      expect(res.status, p).toBe(404);
      expect((await res.json()) as object).toMatchObject({ code: 'SQ_NOT_FOUND' });
    }
  });

  it('refuses writes to pages with 405', async () => {
    const res = await fetch(`${url}/executions`, { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });

  it('says how to build the UI when it is not built', async () => {
    const bare = new HttpServer();
    mountWebUi(bare, join(dir, 'nowhere'));
    const api = Fastify({ serverFactory: bare.serverFactory });
    bare.serve(api);
    const base = await bare.listen('127.0.0.1', 0);
    try {
      const res = await fetch(`${base}/executions`);
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('npm run build');
    } finally {
      await bare.close();
    }
  });
});
