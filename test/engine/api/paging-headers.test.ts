import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { readCredentials } from '../../../engine/auth/credentials.js';
import { silentLogger } from '../../../engine/logger.js';

// StackStorm answers every list with X-Total-Count and X-Limit; its JavaScript client reads X-Limit
// to build the next page's request. These are the list routes a client pages through.
const LIST_ROUTES = [
  '/api/v1/actions',
  '/api/v1/actions/views/overview',
  '/api/v1/actionalias',
  '/api/v1/apikeys',
  '/api/v1/executions',
  '/api/v1/inquiries',
  '/api/v1/keys',
  '/api/v1/packs',
  '/api/v1/policies',
  '/api/v1/policytypes',
  '/api/v1/rules',
  '/api/v1/sensortypes',
  '/api/v1/ruleenforcements',
  '/api/v1/triggertypes',
  '/api/v1/triggers',
  '/api/v1/triggerinstances',
  '/api/v1/runnertypes',
  '/api/v1/traces',
  '/api/v1/users',
  '/api/v1/webhooks',
];

describe('paging headers on every list route', () => {
  let dir: string;
  let server: RunningServer;
  let url: string;
  let headers: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'squall-paging-'));
    server = await startServer({
      dataDir: dir,
      config: { api: { host: '127.0.0.1', port: 0 }, chat: { shell: false }, log: { level: 'silent' } },
      logger: silentLogger,
    });
    url = server.url ?? '';
    headers = { 'St2-Api-Key': (await readCredentials(dir))?.api_key ?? '' };
    await server.core.auth.createUser('second', 'second-password-1', ['viewer']);
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(LIST_ROUTES)('%s answers X-Total-Count and X-Limit, with and without a limit', async (path) => {
    const whole = await fetch(`${url}${path}`, { headers });
    expect(whole.status).toBe(200);
    const all = (await whole.json()) as unknown[];
    expect(Number(whole.headers.get('x-total-count'))).toBeGreaterThanOrEqual(all.length);
    expect(Number(whole.headers.get('x-limit'))).toBeGreaterThanOrEqual(all.length);

    const paged = await fetch(`${url}${path}?limit=1&offset=0`, { headers });
    expect(paged.status).toBe(200);
    expect(((await paged.json()) as unknown[]).length).toBeLessThanOrEqual(1);
    expect(paged.headers.get('x-limit')).toBe('1');
    expect(paged.headers.get('x-total-count')).toBe(whole.headers.get('x-total-count'));
  });

  it('covers every parameterless GET route of the API that answers a list', async () => {
    const spec = (await (await fetch(`${url}/api/v1/openapi.json`, { headers })).json()) as {
      paths: Record<string, { get?: unknown }>;
    };
    const lists: string[] = [];
    for (const [path, item] of Object.entries(spec.paths)) {
      if (!item.get || path.includes('{')) continue;
      const r = await fetch(`${url}${path}`, { headers });
      const type = r.headers.get('content-type') ?? '';
      // The event stream never ends: only JSON answers are read.
      if (r.status !== 200 || !type.includes('application/json')) {
        await r.body?.cancel();
        continue;
      }
      if (Array.isArray(await r.json())) lists.push(path);
    }
    expect(lists.sort()).toEqual([...LIST_ROUTES].sort());
  });
});
