import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../engine/logger.js';
import { type ApiHarness, makeApiHarness } from './api-harness.js';

describe('API request log', () => {
  let h: ApiHarness;
  let logged = '';
  beforeAll(async () => {
    const sink = new PassThrough();
    sink.on('data', (d: Buffer) => {
      logged += d.toString();
    });
    h = await makeApiHarness({}, 3600, createLogger({ level: 'debug', destination: sink }));
  });
  afterAll(() => h.close());

  it('never shows a credential from the query string or an API key used as a path id', async () => {
    const key = h.keys.viewer;
    const byKey = await h.app.inject({ method: 'GET', url: `/api/v1/apikeys/${key}?st2-api-key=${key}` });
    expect(byKey.statusCode).toBe(200);
    const id = byKey.json<{ id: string }>().id;
    await h.app.inject({ method: 'GET', url: `/api/v1/apikeys/${id}`, headers: h.as('viewer') });
    await h.app.inject({ method: 'GET', url: '/api/v1/actions?x-auth-token=tok-in-query-123' });
    await new Promise((r) => setImmediate(r));

    expect(logged).toContain('/api/v1/apikeys/********');
    expect(logged).toContain(`/api/v1/apikeys/${id}`);
    expect(logged).toContain('"path":"/api/v1/actions"');
    expect(logged).not.toContain(key);
    expect(logged).not.toContain('tok-in-query-123');
  });
});
