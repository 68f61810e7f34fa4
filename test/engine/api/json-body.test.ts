import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nestedObject } from '../../support/poisoned-rows.js';
import { type ApiHarness, makeApiHarness } from './api-harness.js';

describe('JSON bodies past the storable limits', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await makeApiHarness();
  });
  afterAll(() => h.close());

  it('answers 400 naming the path of a context nested 1,000 levels deep, and stores nothing', async () => {
    const r = await h.app.inject({
      method: 'POST',
      url: '/api/v1/executions',
      headers: { ...h.as('admin'), 'content-type': 'application/json' },
      payload: JSON.stringify({ action: 'core.local', parameters: { cmd: 'true' }, context: nestedObject(1000) }),
    });
    expect(r.statusCode).toBe(400);
    const body = r.json() as { faultstring: string; code: string };
    expect(body.code).toBe('SQ_VALIDATION');
    expect(body.faultstring).toMatch(
      /^Invalid body: context\.a\.a.*: nested deeper than 64 levels of objects and arrays$/,
    );
    expect(body.faultstring.length).toBeLessThan(300);
    expect((await h.store.executions.list({})).total).toBe(0);
  });

  it('accepts a context nested within the limit', async () => {
    const r = await h.app.inject({
      method: 'POST',
      url: '/api/v1/executions',
      headers: h.as('admin'),
      payload: { action: 'core.local', parameters: { cmd: 'true' }, context: nestedObject(30) },
    });
    expect(r.statusCode).toBe(201);
  });
});
