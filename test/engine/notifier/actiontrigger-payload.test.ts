import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { readCredentials } from '../../../engine/auth/credentials.js';
import { derivedId } from '../../../engine/ids.js';
import { silentLogger } from '../../../engine/logger.js';
import type { Execution } from '../../../engine/model/execution.js';
import type { TriggerInstance } from '../../../engine/model/trigger.js';
import { waitFor } from '../../support/processes.js';

/**
 * The SQLite store keeps of an actiontrigger payload only what is not its execution's own and reads
 * the rest from the execution: whoever reads the instance (API, rules, re_emit) sees the payload the
 * notifier built, before and after the execution is purged.
 */
describe('actiontrigger payloads, stored by reference to their execution', () => {
  let dir: string;
  let server: RunningServer;
  let headers: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'squall-actiontrigger-'));
    server = await startServer({
      dataDir: dir,
      config: { api: { host: '127.0.0.1', port: 0 }, chat: { shell: false }, log: { level: 'silent' } },
      logger: silentLogger,
    });
    headers = { 'St2-Api-Key': (await readCredentials(dir))?.api_key ?? '', 'Content-Type': 'application/json' };
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const api = async (method: string, path: string, body?: object) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers,
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, text: await res.text() };
  };

  const processed = (id: string) =>
    waitFor(
      async () => {
        const t = await server.core.store.triggerInstances.get(id);
        return t?.status === 'processed' ? t : undefined;
      },
      15_000,
      `trigger instance ${id} processed`,
    );

  const storedDoc = (id: string) => {
    const db = new Database(join(dir, 'squall.db'), { readonly: true });
    try {
      return JSON.parse(db.prepare('SELECT doc FROM trigger_instances WHERE id = ?').pluck().get(id) as string);
    } finally {
      db.close();
    }
  };

  it('reads the payload the notifier built through get, list, re_emit and the rules, before and after a purge', async () => {
    const rule = {
      name: 'after_first',
      pack: 'ops',
      trigger: { type: 'core.st2.generic.actiontrigger' },
      criteria: { 'trigger.parameters.cmd': { type: 'equals', pattern: 'echo first' } },
      action: {
        ref: 'core.local',
        parameters: {
          cmd: 'echo {{ trigger.status }} {{ trigger.action_name }} {{ trigger.action_ref }} {{ trigger.runner_ref }} {{ trigger.result.stdout }}',
        },
      },
    };
    expect((await api('POST', '/api/v1/rules', rule)).status).toBe(201);
    const req = await server.core.executions.request({
      action: 'core.local',
      parameters: { cmd: 'echo first' },
      context: { user: 'admin' },
    });
    const e = (await server.core.executions.waitForTerminal(req.id, 15_000)) as Execution;
    expect(e.status).toBe('succeeded');
    const id = derivedId(e.id, 'actiontrigger');
    const t = await processed(id);
    const payload = {
      execution_id: e.id,
      status: 'succeeded',
      start_timestamp: e.start_timestamp,
      action_name: 'local',
      action_ref: 'core.local',
      runner_ref: e.runner_type,
      parameters: e.parameters, // with the action's defaults; nothing secret to mask
      result: e.result,
    };
    expect(JSON.stringify(t.payload)).toBe(JSON.stringify(payload));
    expect(storedDoc(id).payload_ref).toEqual({ execution_id: e.id, parameters: e.parameters });

    // The rules engine saw it whole.
    const enforcement = await waitFor(
      async () => (await server.core.store.ruleEnforcements.list({ triggerInstance: id })).items[0],
      15_000,
      'the enforcement',
    );
    const ruled = (await server.core.executions.waitForTerminal(enforcement.execution_id ?? '', 15_000)) as Execution;
    expect(ruled.parameters.cmd).toBe(`echo succeeded local core.local ${e.runner_type} ${String(e.result?.stdout)}`);
    await processed(derivedId(ruled.id, 'actiontrigger'));

    const one = await api('GET', `/api/v1/triggerinstances/${id}`);
    expect(one.status).toBe(200);
    expect(one.text).toBe(JSON.stringify(t));
    const list = await api('GET', '/api/v1/triggerinstances?trigger=core.st2.generic.actiontrigger&limit=100');
    expect((JSON.parse(list.text) as TriggerInstance[]).map((i) => JSON.stringify(i))).toContain(JSON.stringify(t));
    const again = await api('POST', `/api/v1/triggerinstances/${id}/re_emit`);
    expect(JSON.stringify(JSON.parse(again.text).payload)).toBe(
      JSON.stringify({ ...payload, __context: { original_id: id } }),
    );

    // The executions go; their instances keep the payload, written back into them.
    expect(
      await server.core.store.executions.purge({ before: new Date(Date.now() + 60_000).toISOString() }),
    ).toBeGreaterThanOrEqual(2);
    expect(await server.core.store.executions.get(e.id)).toBeUndefined();
    expect(storedDoc(id).payload).toEqual(payload);
    expect((await api('GET', `/api/v1/triggerinstances/${id}`)).text).toBe(JSON.stringify(t));
  });
});
