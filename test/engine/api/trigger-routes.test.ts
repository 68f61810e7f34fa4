import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../engine/ids.js';
import { silentLogger } from '../../../engine/logger.js';
import type { RuleEnforcement } from '../../../engine/model/rule.js';
import type { TriggerInstance } from '../../../engine/model/trigger.js';
import { createTriggerDispatcher } from '../../../engine/triggers/trigger-dispatcher.js';
import { type ApiHarness, makeApiHarness } from './api-harness.js';

describe('trigger types, triggers, trigger instances and rule enforcements API', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await makeApiHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const get = (url: string, role: 'admin' | 'operator' | 'viewer' = 'viewer') =>
    h.app.inject({ method: 'GET', url, headers: h.as(role) });

  it('lists the built-in trigger types and those packs declare, and gets one by ref or id', async () => {
    await h.store.triggerTypes.upsert({
      id: newId(),
      ref: 'ops.disk_full',
      uid: 'trigger_type:ops:disk_full',
      pack: 'ops',
      name: 'disk_full',
      description: 'A disk filled up',
      parameters_schema: {},
      payload_schema: { type: 'object' },
    });
    const res = await get('/api/v1/triggertypes');
    expect(res.statusCode).toBe(200);
    const refs = res.json<{ ref: string }[]>().map((t) => t.ref);
    for (const ref of [
      'core.st2.webhook',
      'core.st2.IntervalTimer',
      'core.st2.CronTimer',
      'core.st2.DateTimer',
      'core.st2.generic.actiontrigger',
      'core.st2.generic.notifytrigger',
      'core.st2.sensor.process_spawn',
      'core.st2.sensor.process_exit',
      'core.st2.key_value_pair.create',
      'core.st2.key_value_pair.update',
      'core.st2.key_value_pair.value_change',
      'core.st2.key_value_pair.delete',
      'ops.disk_full',
    ])
      expect(refs).toContain(ref);
    const webhook = (await get('/api/v1/triggertypes/core.st2.webhook')).json<{ id: string }>();
    expect(webhook).toMatchObject({
      ref: 'core.st2.webhook',
      uid: 'trigger_type:core:st2.webhook',
      pack: 'core',
      name: 'st2.webhook',
      parameters_schema: { type: 'object' },
    });
    expect(webhook.id).toMatch(/^[0-9a-f]{24}$/);
    expect((await get(`/api/v1/triggertypes/${webhook.id}`)).json()).toEqual(webhook);
    expect((await get('/api/v1/triggertypes?pack=ops')).json<unknown[]>()).toHaveLength(1);
    const missing = await get('/api/v1/triggertypes/ops.nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'SQ_NOT_FOUND' });
  });

  it('lists one trigger per trigger type and parameters that rules use', async () => {
    for (const [name, url] of [
      ['a', 'alerts'],
      ['b', 'alerts'],
      ['c', 'deploys'],
    ]) {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/rules',
        headers: h.as('admin'),
        payload: {
          name,
          pack: 'ops',
          trigger: { type: 'core.st2.webhook', parameters: { url } },
          action: { ref: 'core.noop' },
        },
      });
      expect(res.statusCode).toBe(201);
    }
    const webhooks = (await get('/api/v1/triggers?type=core.st2.webhook')).json<
      { ref: string; id: string; type: string; parameters: object }[]
    >();
    expect(
      webhooks.map((t) => t.parameters).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
    ).toEqual([{ url: 'alerts' }, { url: 'deploys' }]);
    expect(webhooks.every((t) => t.type === 'core.st2.webhook' && t.ref.startsWith('core.'))).toBe(true);
    const one = (await get(`/api/v1/triggers/${webhooks[0]!.ref}`)).json();
    expect(one).toEqual(webhooks[0]);
    // A webhook rule's signing secret is not part of its trigger, and never shown.
    await h.app.inject({
      method: 'POST',
      url: '/api/v1/rules',
      headers: h.as('admin'),
      payload: {
        name: 'signed',
        pack: 'ops',
        trigger: { type: 'core.st2.webhook', parameters: { url: 'alerts', secret: 'hunter2-signing' } },
        action: { ref: 'core.noop' },
      },
    });
    const again = await get('/api/v1/triggers?type=core.st2.webhook');
    expect(again.body).not.toContain('hunter2-signing');
    expect(again.json<unknown[]>()).toHaveLength(2);
    // A trigger type without parameters is its own trigger.
    const noParams = (await get('/api/v1/triggers?type=ops.disk_full')).json<{ ref: string }[]>();
    expect(noParams.map((t) => t.ref)).toEqual(['ops.disk_full']);
  });

  it('lists trigger instances newest first with trigger, status and time filters, and gets one', async () => {
    const triggers = createTriggerDispatcher({ store: h.store, bus: h.bus, logger: silentLogger });
    const a = await triggers.dispatch({
      trigger: 'ops.disk_full',
      payload: { host: 'a' },
      occurrence_time: '2026-02-01T10:00:00Z',
    });
    const b = await triggers.dispatch({
      trigger: 'ops.disk_full',
      payload: { host: 'b' },
      occurrence_time: '2026-02-01T11:00:00Z',
    });
    const c = await triggers.dispatch({ trigger: 'ops.other', payload: {}, occurrence_time: '2026-02-01T12:00:00Z' });
    await h.store.triggerInstances.setStatus(c.id, ['pending'], 'processed');
    const ids = async (q: string) => {
      const res = await get(`/api/v1/triggerinstances${q}`);
      expect(res.statusCode).toBe(200);
      return res.json<TriggerInstance[]>().map((t) => t.id);
    };
    expect(await ids('')).toEqual([c.id, b.id, a.id]);
    expect(await ids('?trigger=ops.disk_full')).toEqual([b.id, a.id]);
    expect(await ids('?status=processed')).toEqual([c.id]);
    expect(await ids('?timestamp_gt=2026-02-01T10:30:00Z')).toEqual([c.id, b.id]);
    expect(await ids('?timestamp_lt=2026-02-01T11:00:00Z')).toEqual([a.id]);
    expect(await ids('?limit=1&offset=1')).toEqual([b.id]);
    const bad = await get('/api/v1/triggerinstances?timestamp_gt=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ faultstring: string }>().faultstring).toContain('timestamp_gt');
    const one = (await get(`/api/v1/triggerinstances/${a.id}`)).json();
    expect(one).toMatchObject({
      id: a.id,
      trigger: 'ops.disk_full',
      payload: { host: 'a' },
      occurrence_time: '2026-02-01T10:00:00.000Z',
      status: 'pending',
    });
    expect((await get(`/api/v1/triggerinstances/${newId()}`)).statusCode).toBe(404);
  });

  it('re-emits a stored instance as a new one (admins only)', async () => {
    const triggers = createTriggerDispatcher({ store: h.store, bus: h.bus, logger: silentLogger });
    const t = await triggers.dispatch({
      trigger: 'core.st2.webhook',
      parameters: { url: 'alerts' },
      payload: { body: 1 },
    });
    for (const role of ['viewer', 'operator'] as const) {
      const res = await h.app.inject({
        method: 'POST',
        url: `/api/v1/triggerinstances/${t.id}/re_emit`,
        headers: h.as(role),
      });
      expect(res.statusCode).toBe(403);
    }
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/v1/triggerinstances/${t.id}/re_emit`,
      headers: h.as('admin'),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ message: string; payload: object; trigger_instance: TriggerInstance }>();
    expect(body.message).toBe(`Trigger instance ${t.id} succesfully re-sent.`);
    expect(body.payload).toEqual({ body: 1, __context: { original_id: t.id } });
    expect(body.trigger_instance.id).not.toBe(t.id);
    expect(await h.store.triggerInstances.get(body.trigger_instance.id)).toMatchObject({
      trigger: 'core.st2.webhook',
      parameters: { url: 'alerts' },
      payload: { body: 1, __context: { original_id: t.id } },
      status: 'pending',
    });
    const missing = await h.app.inject({
      method: 'POST',
      url: `/api/v1/triggerinstances/${newId()}/re_emit`,
      headers: h.as('admin'),
    });
    expect(missing.statusCode).toBe(404);
  });

  it("lists rule enforcements with StackStorm's filters and gets one", async () => {
    const rule = { id: newId(), ref: 'ops.a', uid: 'rule:ops:a' };
    const other = { id: newId(), ref: 'ops.b', uid: 'rule:ops:b' };
    const make = (over: Partial<RuleEnforcement>): RuleEnforcement => ({
      id: newId(),
      rule,
      trigger_instance_id: newId(),
      execution_id: newId(),
      status: 'succeeded',
      enforced_at: '2026-02-01T10:00:00.000Z',
      ...over,
    });
    const e1 = make({});
    const e2 = make({ rule: other, enforced_at: '2026-02-01T11:00:00.000Z' });
    const { execution_id: _x, ...e3base } = make({ enforced_at: '2026-02-01T12:00:00.000Z' });
    const e3: RuleEnforcement = {
      ...e3base,
      status: 'failed',
      failure_reason: 'Failed to render parameter "cmd": boom',
    };
    for (const e of [e1, e2, e3]) await h.store.ruleEnforcements.create(e);
    const ids = async (q: string, role: 'viewer' | 'operator' = 'viewer') => {
      const res = await get(`/api/v1/ruleenforcements${q}`, role);
      expect(res.statusCode).toBe(200);
      return res.json<RuleEnforcement[]>().map((e) => e.id);
    };
    expect(await ids('')).toEqual([e3.id, e2.id, e1.id]);
    expect(await ids('?rule_ref=ops.a', 'operator')).toEqual([e3.id, e1.id]);
    expect(await ids(`?rule_id=${other.id}`)).toEqual([e2.id]);
    expect(await ids(`?execution=${e1.execution_id}`)).toEqual([e1.id]);
    expect(await ids(`?trigger_instance=${e2.trigger_instance_id}`)).toEqual([e2.id]);
    expect(await ids('?enforced_at_gt=2026-02-01T10:00:00Z&enforced_at_lt=2026-02-01T12:00:00Z')).toEqual([e2.id]);
    expect((await get('/api/v1/ruleenforcements?enforced_at_lt=soon')).statusCode).toBe(400);
    expect((await get(`/api/v1/ruleenforcements/${e3.id}`)).json()).toEqual(e3);
    expect((await get(`/api/v1/ruleenforcements/${newId()}`)).statusCode).toBe(404);
  });
});
