import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { readCredentials } from '../../../engine/auth/credentials.js';
import { silentLogger } from '../../../engine/logger.js';
import { waitFor } from '../../support/processes.js';

const WFTEST = fileURLToPath(new URL('../../fixtures/workflow-packs/wftest/', import.meta.url));

interface ExecutionJson {
  id: string;
  status: string;
  parent?: string;
  context: { orquesta?: { task_name: string } };
  result?: unknown;
}

describe('workflow pause, resume and cancel (through squall start and the API)', () => {
  let dir: string;
  let server: RunningServer;
  let headers: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'squall-workflows-role-'));
    server = await startServer({
      dataDir: dir,
      config: {
        api: { host: '127.0.0.1', port: 0 },
        chat: { shell: false },
        log: { level: 'silent' },
        packs: { paths: [WFTEST] },
      },
      logger: silentLogger,
    });
    headers = { 'St2-Api-Key': (await readCredentials(dir))?.api_key ?? '', 'Content-Type': 'application/json' };
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as T };
  }
  const get = async (id: string) => (await api<ExecutionJson>('GET', `/api/v1/executions/${id}`)).body;
  const children = async (id: string) => (await api<ExecutionJson[]>('GET', `/api/v1/executions?parent=${id}`)).body;
  const until = (id: string, status: string) =>
    waitFor(async () => ((await get(id)).status === status ? true : undefined), 20_000, `${id} ${status}`);
  const tasks = async (id: string) => (await children(id)).map((c) => [c.context.orquesta?.task_name, c.status]).sort();

  async function startSlow(): Promise<string> {
    const res = await api<ExecutionJson>('POST', '/api/v1/executions', { action: 'wftest.slow' });
    expect(res.status).toBe(201);
    await waitFor(async () => ((await children(res.body.id)).length > 0 ? true : undefined), 20_000, 'first task');
    return res.body.id;
  }

  it('pausing lets the running task finish and starts nothing new; resuming carries on to the end', async () => {
    const id = await startSlow();
    const paused = await api<ExecutionJson>('PUT', `/api/v1/executions/${id}`, { status: 'pausing' });
    expect(paused.status).toBe(200);
    expect(paused.body.status).toBe('pausing');
    await until(id, 'paused');
    expect(await tasks(id)).toEqual([['one', 'succeeded']]);
    // Still paused a while later: nothing new was started.
    await new Promise((r) => setTimeout(r, 300));
    expect((await get(id)).status).toBe('paused');
    expect(await children(id)).toHaveLength(1);

    const resumed = await api<ExecutionJson>('PUT', `/api/v1/executions/${id}`, { status: 'resuming' });
    expect(resumed.status).toBe(200);
    await until(id, 'succeeded');
    expect(await tasks(id)).toEqual([
      ['one', 'succeeded'],
      ['three', 'succeeded'],
      ['two', 'succeeded'],
    ]);
  });

  it('pause and resume reach a running sub-workflow; the parent is paused once the sub-workflow is', async () => {
    const res = await api<ExecutionJson>('POST', '/api/v1/executions', { action: 'wftest.nested_slow' });
    const id = res.body.id;
    const inner = await waitFor(async () => (await children(id))[0], 20_000, 'sub-workflow');
    await waitFor(async () => ((await children(inner.id)).length > 0 ? true : undefined), 20_000, 'inner task');
    expect((await api('PUT', `/api/v1/executions/${id}`, { status: 'pausing' })).status).toBe(200);
    await until(inner.id, 'paused');
    await until(id, 'paused');
    expect((await children(id)).map((c) => c.context.orquesta?.task_name)).toEqual(['inner']);
    expect((await api('PUT', `/api/v1/executions/${id}`, { status: 'resuming' })).status).toBe(200);
    await until(id, 'succeeded');
    expect((await get(inner.id)).status).toBe('succeeded');
    expect(await tasks(id)).toEqual([
      ['after', 'succeeded'],
      ['inner', 'succeeded'],
    ]);
    const direct = await api<ExecutionJson[]>('GET', `/api/v1/executions/${id}/children?depth=1`);
    expect(direct.body.map((c) => c.context.orquesta?.task_name)).toEqual(['inner', 'after']);
    const all = await api<ExecutionJson[]>('GET', `/api/v1/executions/${id}/children`);
    expect(all.body.map((c) => c.context.orquesta?.task_name)).toEqual(['inner', 'after', 'one', 'two', 'three']);
  });

  it('DELETE cancels the workflow and its running child; nothing after it starts', async () => {
    const id = await startSlow();
    const del = await api<ExecutionJson>('DELETE', `/api/v1/executions/${id}`);
    expect(del.status).toBe(200);
    expect(del.body.status).toBe('canceling');
    await until(id, 'canceled');
    expect(await tasks(id)).toEqual([['one', 'canceled']]);
  });

  it('starts a task with a delay only once it is due; a cancel meanwhile means it never starts', async () => {
    const wf = await api<ExecutionJson & { start_timestamp: string }>('POST', '/api/v1/executions', {
      action: 'wftest.delayed',
      parameters: { wait: 1 },
    });
    await until(wf.body.id, 'succeeded');
    const [later] = (await children(wf.body.id)) as (ExecutionJson & { start_timestamp: string })[];
    expect(Date.parse(later?.start_timestamp ?? '') - Date.parse(wf.body.start_timestamp)).toBeGreaterThanOrEqual(1000);

    const long = await api<ExecutionJson>('POST', '/api/v1/executions', {
      action: 'wftest.delayed',
      parameters: { wait: 30 },
    });
    await until(long.body.id, 'running');
    await api('DELETE', `/api/v1/executions/${long.body.id}`);
    await until(long.body.id, 'canceled');
    expect(await children(long.body.id)).toEqual([]);
  });

  it('reads the datastore with st2kv() in task inputs and output', async () => {
    const put = await api('PUT', '/api/v1/keys/region', { name: 'region', value: 'eu-west' });
    expect(put.status).toBe(200);
    const wf = await api<ExecutionJson>('POST', '/api/v1/executions', { action: 'wftest.kv' });
    await until(wf.body.id, 'succeeded');
    expect((await get(wf.body.id)).result).toEqual({ output: { region: 'eu-west', fallback: 'none' } });
    const [say] = await children(wf.body.id);
    expect((say as unknown as { parameters: unknown }).parameters).toMatchObject({ message: 'region eu-west' });
  });

  it('refuses to pause what is not a running workflow, naming why', async () => {
    const done = await api<ExecutionJson>('POST', '/api/v1/executions', { action: 'core.noop' });
    await until(done.body.id, 'succeeded');
    const noop = await api<{ faultstring: string }>('PUT', `/api/v1/executions/${done.body.id}`, { status: 'pausing' });
    expect(noop.status).toBe(400);
    expect(noop.body.faultstring).toMatch(/Runner type "noop" does not support pause/);

    const wf = await api<ExecutionJson>('POST', '/api/v1/executions', { action: 'wftest.parallel' });
    await until(wf.body.id, 'succeeded');
    const late = await api<{ faultstring: string }>('PUT', `/api/v1/executions/${wf.body.id}`, { status: 'resuming' });
    expect(late.status).toBe(409);
    expect(late.body.faultstring).toMatch(/is succeeded; only paused or pausing/);
  });
});
