import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { readCredentials } from '../../../engine/auth/credentials.js';
import { silentLogger } from '../../../engine/logger.js';
import type { Execution } from '../../../engine/model/execution.js';
import type { RuleEnforcement } from '../../../engine/model/rule.js';
import type { TriggerInstance } from '../../../engine/model/trigger.js';
import { waitFor } from '../../support/processes.js';

describe('rules role (through squall start)', () => {
  let dir: string;
  let server: RunningServer;
  let headers: Record<string, string>;

  const start = async () => {
    server = await startServer({
      dataDir: dir,
      config: { api: { host: '127.0.0.1', port: 0 }, chat: { shell: false }, log: { level: 'silent' } },
      logger: silentLogger,
    });
    headers = { 'St2-Api-Key': (await readCredentials(dir))?.api_key ?? '', 'Content-Type': 'application/json' };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'squall-rules-role-'));
    await start();
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function createRule(body: object): Promise<void> {
    const res = await fetch(`${server.url}/api/v1/rules`, { method: 'POST', headers, body: JSON.stringify(body) });
    expect(res.status).toBe(201);
  }

  async function settled(id: string): Promise<{ instance: TriggerInstance; enforcements: RuleEnforcement[] }> {
    const instance = await waitFor(
      async () => {
        const t = await server.core.store.triggerInstances.get(id);
        return t && (t.status === 'processed' || t.status === 'processing_failed') ? t : undefined;
      },
      15_000,
      `trigger instance ${id} processed`,
    );
    const enforcements = (await server.core.store.ruleEnforcements.list({ triggerInstance: id })).items;
    return { instance, enforcements };
  }

  it('turns a matching instance into an execution with the rendered parameters, payload text kept as data', async () => {
    await createRule({
      name: 'echo_host',
      pack: 'ops',
      trigger: { type: 'core.st2.webhook', parameters: { url: 'alerts' } },
      criteria: { 'trigger.body.severity': { type: 'equals', pattern: 'high' } },
      action: { ref: 'core.local', parameters: { cmd: 'echo {{ trigger.body.host }} {{ rule.ref }}' } },
    });
    const t = await server.core.triggers.dispatch({
      trigger: 'core.st2.webhook',
      parameters: { url: 'alerts' },
      payload: { body: { severity: 'high', host: '{{ 7 * 7 }}' }, headers: {} },
      trace_tag: 'deploy-7',
    });
    const { instance, enforcements } = await settled(t.id);
    expect(instance.status).toBe('processed');
    expect(enforcements).toHaveLength(1);
    const enf = enforcements[0]!;
    expect(enf).toMatchObject({
      rule: { ref: 'ops.echo_host' },
      trigger_instance_id: t.id,
      status: 'succeeded',
      trace_tag: 'deploy-7',
    });
    const rule = await server.core.store.rules.get('ops.echo_host');
    expect(enf.rule.id).toBe(rule?.id);
    const e = (await server.core.executions.waitForTerminal(enf.execution_id!, 15_000)) as Execution;
    // The payload's braces are data: rendered into the command once, never evaluated.
    expect(e.parameters.cmd).toBe('echo {{ 7 * 7 }} ops.echo_host');
    expect(e.status).toBe('succeeded');
    expect(e.context).toMatchObject({
      user: 'admin',
      trigger_instance: { id: t.id, name: 'core.st2.webhook' },
      rule: { id: rule?.id, ref: 'ops.echo_host', name: 'echo_host' },
      trace_context: { trace_tag: 'deploy-7' },
    });
  });

  it('does nothing for an instance no rule matches, or another webhook url, and marks it processed', async () => {
    const low = await server.core.triggers.dispatch({
      trigger: 'core.st2.webhook',
      parameters: { url: 'alerts' },
      payload: { body: { severity: 'low', host: 'a' } },
    });
    const other = await server.core.triggers.dispatch({
      trigger: 'core.st2.webhook',
      parameters: { url: 'elsewhere' },
      payload: { body: { severity: 'high', host: 'a' } },
    });
    for (const id of [low.id, other.id]) {
      const r = await settled(id);
      expect(r.instance.status).toBe('processed');
      expect(r.enforcements).toEqual([]);
    }
  });

  it('records a failed enforcement naming the parameter when rendering fails, and casts rendered values', async () => {
    await createRule({
      name: 'bad_template',
      pack: 'ops',
      trigger: { type: 'ops.thing' },
      action: { ref: 'core.local', parameters: { cmd: '{{ trigger.missing | nosuchfilter }}' } },
    });
    await createRule({
      name: 'typed',
      pack: 'ops',
      trigger: { type: 'ops.thing' },
      action: { ref: 'core.pause', parameters: { max_pause: '{{ trigger.n }}' } },
    });
    const t = await server.core.triggers.dispatch({ trigger: 'ops.thing', payload: { n: 0 } });
    const { instance, enforcements } = await settled(t.id);
    expect(instance.status).toBe('processed');
    const byRule = Object.fromEntries(enforcements.map((e) => [e.rule.ref, e]));
    expect(byRule['ops.bad_template']).toMatchObject({ status: 'failed' });
    expect(byRule['ops.bad_template']?.execution_id).toBeUndefined();
    expect(byRule['ops.bad_template']?.failure_reason).toMatch(/^Failed to render parameter "cmd": /);
    expect(byRule['ops.typed']).toMatchObject({ status: 'succeeded' });
    const e = await server.core.store.executions.get(byRule['ops.typed']!.execution_id!);
    expect(e?.parameters.max_pause).toBe(0);
  });

  it('reads the datastore in criteria and action parameters, secrets through decrypt_kv', async () => {
    await server.core.kv.set({ name: 'threshold', value: '5', scope: 'st2kv.system' }, 'admin');
    await server.core.kv.set({ name: 'token', value: 'tok-secret-1', scope: 'st2kv.system', secret: true }, 'admin');
    await createRule({
      name: 'kv_rule',
      pack: 'ops',
      trigger: { type: 'ops.metric' },
      criteria: { 'trigger.value': { type: 'greaterthan', pattern: '{{ st2kv.system.threshold }}' } },
      action: {
        ref: 'core.noop',
        parameters: {},
      },
    });
    await createRule({
      name: 'kv_params',
      pack: 'ops',
      trigger: { type: 'ops.metric' },
      criteria: { 'trigger.value': { type: 'greaterthan', pattern: '{{ st2kv.system.threshold }}' } },
      action: {
        ref: 'core.local',
        parameters: {
          cmd: 'echo {{ st2kv.system.threshold }}',
          env: { TOKEN: '{{ st2kv.system.token | decrypt_kv }}' },
        },
      },
    });
    const low = await server.core.triggers.dispatch({ trigger: 'ops.metric', payload: { value: 3 } });
    expect((await settled(low.id)).enforcements).toEqual([]);
    const high = await server.core.triggers.dispatch({ trigger: 'ops.metric', payload: { value: 9 } });
    const { enforcements } = await settled(high.id);
    expect(enforcements.map((e) => [e.rule.ref, e.status]).sort()).toEqual([
      ['ops.kv_params', 'succeeded'],
      ['ops.kv_rule', 'succeeded'],
    ]);
    const withParams = enforcements.find((e) => e.rule.ref === 'ops.kv_params')!;
    const e = await server.core.store.executions.get(withParams.execution_id!);
    expect(e?.parameters.cmd).toBe('echo 5');
    expect(e?.parameters.env).toEqual({ TOKEN: 'tok-secret-1' });
  });

  it('sees a rule change at once: a disabled rule stops matching', async () => {
    const rule = (await (await fetch(`${server.url}/api/v1/rules/ops.echo_host`, { headers })).json()) as object;
    const put = await fetch(`${server.url}/api/v1/rules/ops.echo_host`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ ...rule, enabled: false }),
    });
    expect(put.status).toBe(200);
    const t = await server.core.triggers.dispatch({
      trigger: 'core.st2.webhook',
      parameters: { url: 'alerts' },
      payload: { body: { severity: 'high', host: 'b' } },
    });
    expect((await settled(t.id)).enforcements).toEqual([]);
  });

  it('processes, after a restart, instances a previous process stored but never processed', async () => {
    await createRule({
      name: 'after_restart',
      pack: 'ops',
      trigger: { type: 'ops.restart' },
      action: { ref: 'core.noop' },
    });
    await server.close();
    // Stored as the dispatcher would, with nobody left to consume it (the process died after storing).
    const { createSqliteStore } = await import('../../../engine/store/sqlite/sqlite-store.js');
    const store = await createSqliteStore({ kind: 'sqlite', path: join(dir, 'squall.db') }, { logger: silentLogger });
    await store.init();
    const now = new Date().toISOString();
    const left = { id: 'aaaaaaaaaaaaaaaaaaaaaaaa', trigger: 'ops.restart', parameters: {}, payload: { x: 1 } };
    await store.triggerInstances.create({
      ...left,
      occurrence_time: now,
      status: 'pending',
      trace_tag: 't',
      updated_at: now,
    });
    await store.triggerInstances.create({
      ...left,
      id: 'bbbbbbbbbbbbbbbbbbbbbbbb',
      occurrence_time: now,
      status: 'processing',
      trace_tag: 't',
      updated_at: now,
    });
    await store.close();
    await start();
    for (const id of ['aaaaaaaaaaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbbbbbbbbbb']) {
      const r = await settled(id);
      expect(r.instance.status).toBe('processed');
      expect(r.enforcements.map((e) => [e.rule.ref, e.status])).toEqual([['ops.after_restart', 'succeeded']]);
    }
  });
});
