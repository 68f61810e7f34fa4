import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeExecution } from '../../support/store-fixtures.js';
import { type ApiHarness, makeApiHarness } from './api-harness.js';

interface ExecutionBody {
  id: string;
  status: string;
  action: { ref: string; parameters: Record<string, { default?: unknown }> };
  runner: { name: string };
  parameters: Record<string, unknown>;
  context: Record<string, unknown>;
  web_url?: string;
}

describe('executions API', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await makeApiHarness({ bodyLimit: 4096 });
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/v1/actions',
      headers: h.as('admin'),
      payload: {
        pack: 'demo',
        name: 'login',
        runner_type: 'local-shell-cmd',
        parameters: {
          cmd: { default: 'true' },
          password: { type: 'string', secret: true, default: 'hunter2-default' },
          count: { type: 'integer' },
        },
      },
    });
    expect(created.statusCode).toBe(201);
  });
  afterAll(async () => {
    await h.close();
  });

  async function run(payload: unknown, role: 'admin' | 'operator' = 'operator') {
    return h.app.inject({ method: 'POST', url: '/api/v1/executions', headers: h.as(role), payload: payload as object });
  }

  it("creates an execution in StackStorm's shape, recording the caller as context.user", async () => {
    const res = await run({ action: 'core.local', parameters: { cmd: 'echo hi' } });
    expect(res.statusCode).toBe(201);
    const e = res.json<ExecutionBody>();
    expect(e).toMatchObject({
      status: 'requested',
      action: { ref: 'core.local' },
      runner: { name: 'local-shell-cmd' },
      parameters: { cmd: 'echo hi' },
      context: { user: 'operator' },
      web_url: `https://squall.test/executions/${e.id}`,
    });
    const got = await h.app.inject({ method: 'GET', url: `/api/v1/executions/${e.id}`, headers: h.as('viewer') });
    expect(got.json<ExecutionBody>().id).toBe(e.id);
  });

  it('masks secret parameters, and shows them only to admins who ask', async () => {
    const res = await run({ action: 'demo.login', parameters: { password: 's3cret-value', count: 2 } });
    expect(res.statusCode).toBe(201);
    expect(res.body).not.toContain('s3cret-value');
    const e = res.json<ExecutionBody>();
    expect(e.parameters).toMatchObject({ password: '********', count: 2 });
    expect(e.action.parameters.password?.default).toBe('********');

    const url = `/api/v1/executions/${e.id}?show_secrets=true`;
    const operator = await h.app.inject({ method: 'GET', url, headers: h.as('operator') });
    expect(operator.json<ExecutionBody>().parameters.password).toBe('********');
    const admin = await h.app.inject({ method: 'GET', url, headers: h.as('admin') });
    expect(admin.json<ExecutionBody>().parameters.password).toBe('s3cret-value');
    const list = await h.app.inject({
      method: 'GET',
      url: '/api/v1/executions?action=demo.login',
      headers: h.as('viewer'),
    });
    expect(list.body).not.toContain('s3cret-value');
  });

  it('names an unknown action, an unknown parameter and a wrongly typed one', async () => {
    const unknownAction = await run({ action: 'core.nope' });
    expect(unknownAction.statusCode).toBe(404);
    expect(unknownAction.json()).toEqual({
      faultstring: 'Action "core.nope" does not exist.',
      code: 'SQ_ACTION_NOT_FOUND',
    });

    const unknownParam = await run({ action: 'demo.login', parameters: { colour: 'red' } });
    expect(unknownParam.statusCode).toBe(400);
    expect(unknownParam.json().faultstring).toContain('colour: unknown parameter');

    const wrongType = await run({ action: 'demo.login', parameters: { count: 'two' } });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().faultstring).toContain('count: expected integer, got string');
  });

  it('rejects bodies that are not valid JSON or do not fit the schema', async () => {
    const invalid = await h.app.inject({
      method: 'POST',
      url: '/api/v1/executions',
      headers: { ...h.as('operator'), 'content-type': 'application/json' },
      payload: '{"action": "core.local",',
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().faultstring).toMatch(/^Invalid JSON body: /);

    const missing = await run({ parameters: {} });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toEqual({ faultstring: "Invalid body: 'action' is required", code: 'SQ_VALIDATION' });

    const extra = await run({ action: 'core.noop', actoin: 'typo' });
    expect(extra.json().faultstring).toBe("Invalid body: unknown property 'actoin'");

    const text = await h.app.inject({
      method: 'POST',
      url: '/api/v1/executions',
      headers: { ...h.as('operator'), 'content-type': 'text/plain' },
      payload: 'action=core.noop',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json().faultstring).toBe('Unsupported Content-Type "text/plain"; send application/json');

    const notObject = await run({ action: 'core.noop', parameters: [1, 2] });
    expect(notObject.statusCode).toBe(400);
    expect(notObject.json().faultstring).toContain("'parameters' must be of type object");
  });

  it('answers 413 for a body over the limit', async () => {
    const res = await run({ action: 'core.local', parameters: { cmd: 'x'.repeat(8000) } });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({
      faultstring: 'Request body is larger than the limit of 4096 bytes',
      code: 'SQ_PAYLOAD_TOO_LARGE',
    });
  });

  it('answers 404 for unknown routes and 405 for a wrong method', async () => {
    const unknown = await h.app.inject({ method: 'GET', url: '/api/v1/nothing', headers: h.as('admin') });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ faultstring: 'No such route: GET /api/v1/nothing', code: 'SQ_NOT_FOUND' });
    const wrong = await h.app.inject({ method: 'PATCH', url: '/api/v1/executions', headers: h.as('admin') });
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers.allow).toContain('POST');
  });

  it('lets only admins run as someone else or set system context', async () => {
    const operator = await run({ action: 'core.noop', user: 'admin' });
    expect(operator.statusCode).toBe(403);
    expect(operator.json().faultstring).toContain('may not run actions as "admin"');
    const chat = await run({
      action: 'core.noop',
      context: { chat: { platform: 'slack', channel: 'C1', user: 'U1' } },
    });
    expect(chat.statusCode).toBe(403);
    const own = await run({ action: 'core.noop', context: { user: 'operator', note: 'fine' } });
    expect(own.statusCode).toBe(201);
    const admin = await run({ action: 'core.noop', context: { user: 'viewer' } }, 'admin');
    expect(admin.statusCode).toBe(201);
    expect(admin.json<ExecutionBody>().context).toMatchObject({ user: 'viewer', impersonated_by: 'admin' });
  });

  it('lists with filters, paging headers and a capped limit', async () => {
    for (let i = 0; i < 3; i++) expect((await run({ action: 'core.noop' }, 'admin')).statusCode).toBe(201);
    const res = await h.app.inject({
      method: 'GET',
      url: '/api/v1/executions?action=core.noop&user=admin&limit=2',
      headers: h.as('viewer'),
    });
    expect(res.statusCode).toBe(200);
    const items = res.json<ExecutionBody[]>();
    expect(items).toHaveLength(2);
    expect(items.every((e) => e.action.ref === 'core.noop' && e.context.user === 'admin')).toBe(true);
    expect(Number(res.headers['x-total-count'])).toBeGreaterThanOrEqual(3);
    const capped = await h.app.inject({ method: 'GET', url: '/api/v1/executions?limit=5000', headers: h.as('viewer') });
    expect(capped.headers['x-limit']).toBe('1000');
    const badStatus = await h.app.inject({
      method: 'GET',
      url: '/api/v1/executions?status=done',
      headers: h.as('viewer'),
    });
    expect(badStatus.statusCode).toBe(400);
    expect(badStatus.json().faultstring).toContain("Invalid query parameter: 'status' must be one of requested");
    const fields = await h.app.inject({
      method: 'GET',
      url: '/api/v1/executions?limit=1&include_attributes=status',
      headers: h.as('viewer'),
    });
    expect(Object.keys(fields.json<object[]>()[0] ?? {}).sort()).toEqual(['id', 'status']);
  });

  it('filters by start time (timestamp_gt, timestamp_lt) and to top-level executions (parent=null)', async () => {
    const before = new Date(Date.now() - 1000).toISOString();
    const top = (await run({ action: 'core.noop' }, 'admin')).json<ExecutionBody>();
    const child = await h.store.executions.create(makeExecution({ parent: top.id }));
    const list = async (query: string) => {
      const res = await h.app.inject({ method: 'GET', url: `/api/v1/executions?${query}`, headers: h.as('viewer') });
      expect(res.statusCode).toBe(200);
      return res.json<ExecutionBody[]>().map((e) => e.id);
    };
    const recent = await list(`timestamp_gt=${encodeURIComponent(before)}&limit=100`);
    expect(recent).toContain(top.id);
    expect(await list(`timestamp_lt=${encodeURIComponent(before)}&limit=1000`)).not.toContain(top.id);
    expect(await list('parent=null&limit=1000')).not.toContain(child.id);
    expect(await list(`parent=${top.id}`)).toEqual([child.id]);
    expect(await list('parent=null&limit=1000')).toContain(top.id);
    const bad = await h.app.inject({
      method: 'GET',
      url: '/api/v1/executions?timestamp_gt=soon',
      headers: h.as('viewer'),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().faultstring).toContain("'timestamp_gt'");
  });

  it('cancels (operator, 200 with the execution) and re-runs (201)', async () => {
    const e = (await run({ action: 'core.local', parameters: { cmd: 'sleep 5' } })).json<ExecutionBody>();
    const viewer = await h.app.inject({ method: 'DELETE', url: `/api/v1/executions/${e.id}`, headers: h.as('viewer') });
    expect(viewer.statusCode).toBe(403);
    const canceled = await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/executions/${e.id}`,
      headers: h.as('operator'),
    });
    expect(canceled.statusCode).toBe(200);
    expect(canceled.json<ExecutionBody>()).toMatchObject({ id: e.id, status: 'canceled' });
    const again = await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/executions/${e.id}`,
      headers: h.as('operator'),
    });
    expect(again.statusCode).toBe(409);

    const rerun = await h.app.inject({
      method: 'POST',
      url: `/api/v1/executions/${e.id}/re_run`,
      headers: h.as('operator'),
      payload: { parameters: { cmd: 'echo again' } },
    });
    expect(rerun.statusCode).toBe(201);
    expect(rerun.json<ExecutionBody>()).toMatchObject({
      parameters: { cmd: 'echo again' },
      action: { ref: 'core.local' },
    });
    expect(rerun.json<ExecutionBody>().id).not.toBe(e.id);

    const fromTask = await h.app.inject({
      method: 'POST',
      url: `/api/v1/executions/${e.id}/re_run`,
      headers: h.as('operator'),
      payload: { tasks: ['t1'], reset: ['t1'] },
    });
    expect(fromTask.statusCode).toBe(400);
    expect(fromTask.json()).toMatchObject({
      faultstring: `Execution "${e.id}" is not a workflow: it has no tasks to re-run from.`,
    });
  });

  it('serves stored output as text, optionally one stream', async () => {
    const e = (await run({ action: 'core.local', parameters: { cmd: 'true' } })).json<ExecutionBody>();
    await h.store.output.append([
      { execution_id: e.id, stream: 'stdout', data: 'line 1\n' },
      { execution_id: e.id, stream: 'stderr', data: 'oops\n' },
      { execution_id: e.id, stream: 'stdout', data: 'line 2\n' },
    ]);
    const all = await h.app.inject({
      method: 'GET',
      url: `/api/v1/executions/${e.id}/output`,
      headers: h.as('viewer'),
    });
    expect(all.headers['content-type']).toContain('text/plain');
    expect(all.body).toBe('line 1\noops\nline 2\n');
    const stdout = await h.app.inject({
      method: 'GET',
      url: `/api/v1/executions/${e.id}/output?output_type=stdout`,
      headers: h.as('viewer'),
    });
    expect(stdout.body).toBe('line 1\nline 2\n');
    const chunks = await h.app.inject({
      method: 'GET',
      url: `/api/v1/executions/${e.id}/output?format=json`,
      headers: h.as('viewer'),
    });
    const list = chunks.json<{ id: string; execution_id: string; output_type: string; data: string }[]>();
    expect(list.map((c) => [c.output_type, c.data])).toEqual([
      ['stdout', 'line 1\n'],
      ['stderr', 'oops\n'],
      ['stdout', 'line 2\n'],
    ]);
    expect(list.every((c) => c.execution_id === e.id && /^\d+$/.test(c.id))).toBe(true);
    expect(Number(list[2]!.id)).toBeGreaterThan(Number(list[0]!.id));
    const missing = await h.app.inject({
      method: 'GET',
      url: '/api/v1/executions/000000000000000000000000/output',
      headers: h.as('viewer'),
    });
    expect(missing.statusCode).toBe(404);
  });
});
