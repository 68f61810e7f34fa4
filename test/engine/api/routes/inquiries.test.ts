import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../../app/start-server.js';
import { readCredentials } from '../../../../engine/auth/credentials.js';
import { silentLogger } from '../../../../engine/logger.js';
import { waitFor } from '../../../support/processes.js';

const ASKTEST = fileURLToPath(new URL('../../../fixtures/workflow-packs/asktest/', import.meta.url));

type Json = Record<string, unknown>;
interface ExecutionJson {
  id: string;
  status: string;
  result?: Json;
  context: { orquesta?: { task_name: string } };
}

describe('inquiries: core.ask pauses its workflow; PUT /api/v1/inquiries/{id} answers and it resumes', () => {
  let dir: string;
  let server: RunningServer;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'squall-inquiries-'));
    server = await startServer({
      dataDir: dir,
      config: {
        api: { host: '127.0.0.1', port: 0 },
        chat: { shell: false },
        log: { level: 'silent' },
        packs: { paths: [ASKTEST] },
        inquiries: { sweep_interval: 0.2 },
      },
      logger: silentLogger,
    });
    keys.admin = (await readCredentials(dir))?.api_key ?? '';
    for (const [name, role] of [
      ['alice', 'operator'],
      ['bob', 'operator'],
      ['val', 'viewer'],
    ] as const) {
      await server.core.auth.createUser(name, `${name}-password-1`, [role]);
      keys[name] = (await server.core.auth.createApiKey(name)).key;
    }
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function call<T = Json>(who: string, method: string, path: string, body?: unknown) {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        'St2-Api-Key': keys[who] ?? '',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as T, headers: res.headers };
  }
  const get = async (id: string) => (await call<ExecutionJson>('admin', 'GET', `/api/v1/executions/${id}`)).body;
  const until = (id: string, status: string) =>
    waitFor(async () => ((await get(id)).status === status ? true : undefined), 20_000, `${id} ${status}`);

  /** Starts asktest.approve and waits for its ask: the workflow paused, the ask pending. */
  async function askFor(parameters: Json = {}): Promise<{ wf: string; ask: string }> {
    const res = await call<ExecutionJson>('admin', 'POST', '/api/v1/executions', {
      action: 'asktest.approve',
      parameters,
    });
    expect(res.status).toBe(201);
    await until(res.body.id, 'paused');
    const kids = (await call<ExecutionJson[]>('admin', 'GET', `/api/v1/executions?parent=${res.body.id}`)).body;
    expect(kids.map((k) => [k.context.orquesta?.task_name, k.status])).toEqual([['ask', 'pending']]);
    return { wf: res.body.id, ask: kids[0]?.id as string };
  }

  it('pauses the workflow, lists the inquiry, and resumes it to the end once answered', async () => {
    const { wf, ask } = await askFor();
    const list = await call<Json[]>('val', 'GET', '/api/v1/inquiries');
    expect(list.status).toBe(200);
    expect(list.headers.get('x-total-count')).toBe('1');
    expect(list.body[0]).toMatchObject({ id: ask, route: '', ttl: 60, users: [], roles: [], parent: wf });
    const one = await call('val', 'GET', `/api/v1/inquiries/${ask}`);
    expect(one.body).toMatchObject({
      id: ask,
      status: 'pending',
      schema: { properties: { approved: { type: 'boolean' } } },
    });
    // The ask's result while it waits is its parameters, as StackStorm shows it.
    expect((await get(ask)).result).toMatchObject({ ttl: 60, users: [], roles: [] });

    const put = await call('alice', 'PUT', `/api/v1/inquiries/${ask}`, { id: ask, response: { approved: true } });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ id: ask, response: { approved: true } });
    await until(wf, 'succeeded');
    expect((await get(wf)).result).toEqual({ output: { decision: 'approved' } });
    const answered = await get(ask);
    expect(answered.status).toBe('succeeded');
    expect(answered.result).toMatchObject({ response: { approved: true } });
    expect((await call('val', 'GET', `/api/v1/inquiries/${ask}`)).body).toMatchObject({
      status: 'responded',
      responded_by: 'alice',
      response: { approved: true },
    });
    expect((await call<Json[]>('val', 'GET', '/api/v1/inquiries')).body).toEqual([]);

    // A second answer is refused politely, and changes nothing.
    const again = await call<{ faultstring: string }>('bob', 'PUT', `/api/v1/inquiries/${ask}`, {
      response: { approved: false },
    });
    expect(again.status).toBe(409);
    expect(again.body.faultstring).toMatch(`Inquiry "${ask}" has already been responded to by alice`);
  });

  it('refuses an answer that does not match the schema, naming the problem; a valid one then goes through', async () => {
    const { wf, ask } = await askFor();
    const bad = await call<{ faultstring: string }>('alice', 'PUT', `/api/v1/inquiries/${ask}`, {
      response: { approved: 'yes' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.faultstring).toBe(
      `Response for inquiry "${ask}" did not pass schema validation: approved: must be boolean`,
    );
    const missing = await call<{ faultstring: string }>('alice', 'PUT', `/api/v1/inquiries/${ask}`, {
      response: { reason: 'x' },
    });
    expect(missing.body.faultstring).toMatch('approved: is required');
    const extra = await call<{ faultstring: string }>('alice', 'PUT', `/api/v1/inquiries/${ask}`, {
      response: { approved: true, color: 'red' },
    });
    expect(extra.body.faultstring).toMatch('color: is not allowed');
    expect((await get(ask)).status).toBe('pending');
    await call('alice', 'PUT', `/api/v1/inquiries/${ask}`, { response: { approved: false, reason: 'not today' } });
    await until(wf, 'succeeded');
    expect((await get(wf)).result).toEqual({ output: { decision: 'rejected' } });
  });

  it('lets only the users the ask names answer', async () => {
    const { wf, ask } = await askFor({ users: ['bob', 'val'] });
    const denied = await call<{ faultstring: string }>('alice', 'PUT', `/api/v1/inquiries/${ask}`, {
      response: { approved: true },
    });
    expect(denied.status).toBe(403);
    expect(denied.body.faultstring).toBe(
      `User "alice" does not have permission to respond to inquiry "${ask}": only bob, val may answer.`,
    );
    expect((await get(ask)).status).toBe('pending');
    // Named in users: a viewer may answer although the role lacks inquiry:respond.
    expect((await call('val', 'PUT', `/api/v1/inquiries/${ask}`, { response: { approved: true } })).status).toBe(200);
    await until(wf, 'succeeded');
  });

  it('needs inquiry:respond when the ask names nobody', async () => {
    const { ask } = await askFor();
    const denied = await call<{ faultstring: string }>('val', 'PUT', `/api/v1/inquiries/${ask}`, {
      response: { approved: true },
    });
    expect(denied.status).toBe(403);
    expect(denied.body.faultstring).toMatch('needs the permission "inquiry:respond"');
    await call('alice', 'PUT', `/api/v1/inquiries/${ask}`, { response: { approved: true } });
  });

  it('times the ask out once its ttl passes; the workflow resumes and handles it', async () => {
    // ttl in minutes: 0.01 is 0.6 s.
    const { wf, ask } = await askFor({ ttl: 0.01 });
    await until(ask, 'timeout');
    await until(wf, 'succeeded');
    expect((await get(wf)).result).toEqual({ output: { decision: 'nobody answered' } });
    const late = await call<{ faultstring: string }>('alice', 'PUT', `/api/v1/inquiries/${ask}`, {
      response: { approved: true },
    });
    expect(late.status).toBe(409);
    expect(late.body.faultstring).toBe(`Inquiry "${ask}" timed out and cannot be responded to.`);
  });

  it('pauses and resumes an action-chain the same way', async () => {
    const res = await call<ExecutionJson>('admin', 'POST', '/api/v1/executions', { action: 'asktest.chain_ask' });
    await until(res.body.id, 'paused');
    const kids = (await call<ExecutionJson[]>('admin', 'GET', `/api/v1/executions?parent=${res.body.id}`)).body;
    expect(kids.map((k) => k.status)).toEqual(['pending']);
    const ask = kids[0]?.id as string;
    expect((await call('admin', 'GET', `/api/v1/inquiries/${ask}`)).body).toMatchObject({ route: 'developers' });
    expect((await call('alice', 'PUT', `/api/v1/inquiries/${ask}`, { response: { continue: true } })).status).toBe(200);
    await until(res.body.id, 'succeeded');
    const after = (await call<ExecutionJson[]>('admin', 'GET', `/api/v1/executions?parent=${res.body.id}`)).body;
    expect(after.map((k) => k.status)).toEqual(['succeeded', 'succeeded']);
  });

  it("uses StackStorm's default schema ({continue: boolean}) and answers 404 for an unknown inquiry", async () => {
    const res = await call<ExecutionJson>('admin', 'POST', '/api/v1/executions', { action: 'asktest.ask_default' });
    await until(res.body.id, 'paused');
    const ask = (await call<ExecutionJson[]>('admin', 'GET', `/api/v1/executions?parent=${res.body.id}`)).body[0]?.id;
    const inq = await call<{ schema: Json }>('admin', 'GET', `/api/v1/inquiries/${ask}`);
    expect(inq.body.schema).toEqual({
      type: 'object',
      properties: {
        continue: { type: 'boolean', description: 'Would you like to continue the workflow?', required: true },
      },
      additionalProperties: false,
    });
    const none = await call<{ faultstring: string }>('admin', 'PUT', `/api/v1/inquiries/${ask}`, { response: {} });
    expect(none.body.faultstring).toMatch('continue: is required');
    await call('admin', 'PUT', `/api/v1/inquiries/${ask}`, { response: { continue: true } });
    await until(res.body.id, 'succeeded');
    expect((await get(res.body.id)).result).toEqual({ output: { answer: { continue: true } } });
    const unknown = await call<{ faultstring: string }>('admin', 'GET', '/api/v1/inquiries/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.faultstring).toBe('Inquiry "nope" does not exist.');
  });
});
