import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { tempDir } from '../../../bench/bench-util.js';
import { silentLogger } from '../../../engine/logger.js';
import type { Trace } from '../../../engine/traces/traces.js';

/** `/api/v1/traces` on a real server: a webhook's instance, the rule it matched, the execution, its action trigger. */
describe('/api/v1/traces', () => {
  const dir = tempDir('squall-traces-');
  let s: RunningServer;
  let key: string;

  beforeAll(async () => {
    s = await startServer({
      dataDir: dir.path,
      config: { api: { port: 0 }, log: { level: 'silent' } },
      logger: silentLogger,
    });
    key = (await s.core.auth.createApiKey('admin')).key;
    const rule = {
      name: 'chain',
      pack: 'ops',
      trigger: { type: 'core.st2.webhook', parameters: { url: 'chain' } },
      action: { ref: 'core.noop' },
    };
    expect((await api('/api/v1/rules', 'POST', rule)).status).toBe(201);
  });
  afterAll(async () => {
    await s.close();
    dir.remove();
  });

  async function api(path: string, method = 'GET', body?: unknown) {
    const res = await fetch(`${s.url}${path}`, {
      method,
      headers: { 'St2-Api-Key': key, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  it("follows a webhook's trace tag to the rule, the execution and the execution's action trigger", async () => {
    const posted = await fetch(`${s.url}/api/v1/webhooks/chain`, {
      method: 'POST',
      headers: { 'St2-Api-Key': key, 'Content-Type': 'application/json', 'St2-Trace-Tag': 'trace-me-1' },
      body: '{"n": 1}',
    });
    expect(posted.status).toBe(202);
    const instanceId = ((await posted.json()) as { id: string }).id;

    let trace: Trace | undefined;
    await expect
      .poll(
        async () => {
          trace = (await api('/api/v1/traces?trace_tag=trace-me-1')).body[0];
          return trace?.trigger_instances.length;
        },
        { timeout: 10_000 },
      )
      .toBe(2);
    expect(trace).toMatchObject({ id: instanceId, trace_tag: 'trace-me-1' });
    const [hook, actionTrigger] = trace?.trigger_instances ?? [];
    expect(hook).toMatchObject({ object_id: instanceId, ref: 'core.st2.webhook', caused_by: {} });
    const rule = trace?.rules[0];
    expect(rule).toMatchObject({ ref: 'ops.chain', caused_by: { type: 'trigger_instance', id: instanceId } });
    const execution = trace?.action_executions[0];
    expect(execution).toMatchObject({
      ref: 'core.noop',
      caused_by: { type: 'rule', id: `${rule?.object_id}:${instanceId}` },
    });
    expect(actionTrigger).toMatchObject({
      ref: 'core.st2.generic.actiontrigger',
      caused_by: { type: 'action_execution', id: execution?.object_id },
    });

    expect((await api(`/api/v1/traces/${instanceId}`)).body).toEqual(trace);
    expect((await api(`/api/v1/traces?execution=${execution?.object_id}`)).body).toEqual([trace]);
    expect((await api('/api/v1/traces')).body.map((t: Trace) => t.trace_tag)).toContain('trace-me-1');
    const missing = await api('/api/v1/traces/ffffffffffffffffffffffff');
    expect(missing).toMatchObject({ status: 404, body: { code: 'SQ_NOT_FOUND' } });
    expect((await api('/api/v1/traces?trace_tag=nothing-here')).body).toEqual([]);
  });

  it('shows an execution no event started, under its own trace tag, with its action trigger', async () => {
    const run = await api('/api/v1/executions', 'POST', { action: 'core.noop' });
    expect(run.status).toBe(201);
    const id = run.body.id as string;
    const tag = run.body.context.trace_context.trace_tag as string;
    await expect
      .poll(async () => ((await api(`/api/v1/traces?execution=${id}`)).body as Trace[])[0]?.trigger_instances.length, {
        timeout: 10_000,
      })
      .toBe(1);
    const [trace] = (await api(`/api/v1/traces?execution=${id}`)).body as Trace[];
    expect(trace).toMatchObject({
      trace_tag: tag,
      trigger_instances: [{ ref: 'core.st2.generic.actiontrigger', caused_by: { type: 'action_execution', id } }],
      rules: [],
      action_executions: [{ object_id: id, ref: 'core.noop', caused_by: {} }],
    });
    expect((await api(`/api/v1/traces?trace_tag=${tag}`)).body).toEqual([trace]);
    expect((await api(`/api/v1/traces/${id}`)).body).toEqual(trace);
  });
});
