import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rule } from '../../../engine/model/rule.js';
import { type ApiHarness, makeApiHarness } from './api-harness.js';

const RULE = {
  name: 'on_alert',
  pack: 'ops',
  description: 'Echo the host of a high alert',
  trigger: { type: 'core.st2.webhook', parameters: { url: 'alerts' } },
  criteria: { 'trigger.body.severity': { type: 'equals', pattern: 'high' } },
  action: { ref: 'core.local', parameters: { cmd: 'echo {{ trigger.body.host }}' } },
};

describe('/api/v1/rules', () => {
  let h: ApiHarness;
  let changes: number;
  beforeAll(async () => {
    h = await makeApiHarness();
    changes = 0;
    await h.bus.subscribe('rules.changed', async () => {
      changes++;
    });
  });
  afterAll(async () => {
    await h.close();
  });

  const call = (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    role: 'admin' | 'operator' | 'viewer',
    payload?: object,
  ) => h.app.inject({ method, url, headers: h.as(role), ...(payload ? { payload } : {}) });

  it('creates a rule (admin) in StackStorm shape, refuses a second with the same ref, and reads it by ref or id', async () => {
    const created = await call('POST', '/api/v1/rules', 'admin', RULE);
    expect(created.statusCode).toBe(201);
    const rule = created.json<Rule>();
    expect(rule).toMatchObject({
      ref: 'ops.on_alert',
      uid: 'rule:ops:on_alert',
      pack: 'ops',
      name: 'on_alert',
      enabled: true,
      type: { ref: 'standard', parameters: {} },
      trigger: RULE.trigger,
      criteria: RULE.criteria,
      action: RULE.action,
      // The rule's actions run as whoever stored it unless it names a user.
      context: { user: 'admin' },
    });
    expect(rule.id).toMatch(/^[0-9a-f]{24}$/);
    await expect.poll(() => changes).toBeGreaterThan(0);
    expect((await call('POST', '/api/v1/rules', 'admin', RULE)).statusCode).toBe(409);
    expect((await call('GET', '/api/v1/rules/ops.on_alert', 'viewer')).json()).toEqual(rule);
    expect((await call('GET', `/api/v1/rules/${rule.id}`, 'viewer')).json()).toEqual(rule);
    const missing = await call('GET', '/api/v1/rules/ops.nope', 'viewer');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'SQ_RULE_NOT_FOUND', faultstring: 'Rule "ops.nope" does not exist.' });
  });

  it('refuses an invalid rule with 400 naming each field', async () => {
    const bad = await call('POST', '/api/v1/rules', 'admin', {
      name: 'bad',
      trigger: { type: 'core.st2.webhook', parameters: {} },
      criteria: { 'trigger.x': { type: 'bigger', pattern: 1 } },
      critera: {},
    });
    expect(bad.statusCode).toBe(400);
    const { code, faultstring } = bad.json<{ code: string; faultstring: string }>();
    expect(code).toBe('SQ_RULE_INVALID');
    expect(faultstring).toContain('critera: unknown key');
    expect(faultstring).toContain('action: is required');
    expect(faultstring).toContain('criteria.trigger.x.type');
    expect(faultstring).toContain('trigger.parameters');
    expect((await call('GET', '/api/v1/rules/default.bad', 'viewer')).statusCode).toBe(404);
  });

  it("checks a rule's trigger parameters against a pack's trigger type", async () => {
    await h.store.triggerTypes.upsert({
      id: '0123456789abcdef01234567',
      ref: 'ops.disk',
      uid: 'trigger_type:ops:disk',
      pack: 'ops',
      name: 'disk',
      description: '',
      parameters_schema: {
        type: 'object',
        properties: { mount: { type: 'string' } },
        required: ['mount'],
        additionalProperties: false,
      },
      payload_schema: {},
    });
    const body = { name: 'on_disk_param', pack: 'ops', action: { ref: 'core.noop' } };
    const bad = await call('POST', '/api/v1/rules', 'admin', {
      ...body,
      trigger: { type: 'ops.disk', parameters: {} },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ faultstring: string }>().faultstring).toContain('trigger.parameters.mount');
    const good = await call('POST', '/api/v1/rules', 'admin', {
      ...body,
      trigger: { type: 'ops.disk', parameters: { mount: '/' } },
    });
    expect(good.statusCode).toBe(201);
    expect((await call('DELETE', '/api/v1/rules/ops.on_disk_param', 'admin')).statusCode).toBe(204);
  });

  it('lists with filters pack, name, enabled, trigger and action, paged with X-Total-Count', async () => {
    await call('POST', '/api/v1/rules', 'admin', {
      ...RULE,
      name: 'on_disk',
      enabled: false,
      trigger: { type: 'ops.disk_full' },
      action: { ref: 'core.noop' },
    });
    await call('POST', '/api/v1/rules', 'admin', { ...RULE, pack: 'web', name: 'on_alert' });
    const refs = async (q: string) => {
      const res = await call('GET', `/api/v1/rules${q}`, 'viewer');
      expect(res.statusCode).toBe(200);
      return { refs: res.json<Rule[]>().map((r) => r.ref), total: Number(res.headers['x-total-count']) };
    };
    expect(await refs('')).toEqual({ refs: ['ops.on_alert', 'ops.on_disk', 'web.on_alert'], total: 3 });
    expect(await refs('?pack=ops')).toEqual({ refs: ['ops.on_alert', 'ops.on_disk'], total: 2 });
    expect(await refs('?name=on_alert')).toEqual({ refs: ['ops.on_alert', 'web.on_alert'], total: 2 });
    expect(await refs('?enabled=false')).toEqual({ refs: ['ops.on_disk'], total: 1 });
    expect(await refs('?enabled=true&pack=web')).toEqual({ refs: ['web.on_alert'], total: 1 });
    expect(await refs('?trigger=ops.disk_full')).toEqual({ refs: ['ops.on_disk'], total: 1 });
    expect(await refs('?action=core.local&limit=1&offset=1')).toEqual({ refs: ['web.on_alert'], total: 2 });
    expect(await refs('?limit=1')).toEqual({ refs: ['ops.on_alert'], total: 3 });
  });

  it('replaces a rule with PUT (disable and enable), keeping its id, and deletes it', async () => {
    const before = (await call('GET', '/api/v1/rules/ops.on_alert', 'viewer')).json<Rule>();
    const put = await call('PUT', '/api/v1/rules/ops.on_alert', 'admin', { ...before, enabled: false });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({ ...before, enabled: false });
    expect((await call('GET', `/api/v1/rules/${before.id}`, 'viewer')).json<Rule>().enabled).toBe(false);
    const invalid = await call('PUT', '/api/v1/rules/ops.on_alert', 'admin', { ...before, action: { ref: 'nodot' } });
    expect(invalid.statusCode).toBe(400);
    expect((await call('PUT', '/api/v1/rules/ops.nope', 'admin', before)).statusCode).toBe(404);

    expect((await call('DELETE', '/api/v1/rules/ops.on_alert', 'admin')).statusCode).toBe(204);
    expect((await call('GET', '/api/v1/rules/ops.on_alert', 'viewer')).statusCode).toBe(404);
    expect((await call('DELETE', '/api/v1/rules/ops.on_alert', 'admin')).statusCode).toBe(404);
  });

  it('lets viewers and operators read but not write; unauthenticated callers get 401', async () => {
    expect((await call('GET', '/api/v1/rules', 'operator')).statusCode).toBe(200);
    for (const role of ['viewer', 'operator'] as const) {
      const post = await call('POST', '/api/v1/rules', role, { ...RULE, name: `by_${role}` });
      expect(post.statusCode).toBe(403);
      expect(post.json()).toMatchObject({ code: 'SQ_FORBIDDEN' });
      expect((await call('PUT', '/api/v1/rules/web.on_alert', role, { ...RULE, pack: 'web' })).statusCode).toBe(403);
      expect((await call('DELETE', '/api/v1/rules/web.on_alert', role)).statusCode).toBe(403);
    }
    expect((await call('GET', `/api/v1/rules/ops.by_viewer`, 'admin')).statusCode).toBe(404);
    expect((await call('GET', '/api/v1/rules/web.on_alert', 'viewer')).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/rules' })).statusCode).toBe(401);
  });
});
