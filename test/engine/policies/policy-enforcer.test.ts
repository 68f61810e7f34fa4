import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { readCredentials } from '../../../engine/auth/credentials.js';
import { silentLogger } from '../../../engine/logger.js';
import type { Execution } from '../../../engine/model/execution.js';
import { waitFor } from '../../support/processes.js';

// A pack with policies, on a real server: executions go through the API and the scheduler as users'
// would; a run that must stay "running" waits for a file the test creates, so nothing depends on time.
const ACTION = (name: string) => `name: ${name}
runner_type: local-shell-cmd
enabled: true
parameters:
  cmd: { type: string, required: true }
  host: { type: string }
`;

const POLICIES: Record<string, string> = {
  'one_deploy.yaml': `name: one_deploy
description: one deploy at a time, the others wait
enabled: true
resource_ref: ops.deploy
policy_type: action.concurrency
parameters: { threshold: 1, action: delay }
`,
  'one_backup.yaml': `name: one_backup
resource_ref: ops.backup
policy_type: action.concurrency
parameters: { threshold: 1, action: cancel }
`,
  'per_host.yaml': `name: per_host
resource_ref: ops.restart
policy_type: action.concurrency.attr
parameters: { threshold: 1, attributes: [host] }
`,
  'slow_retry.yaml': `name: slow_retry
resource_ref: ops.slow
policy_type: action.retry
parameters: { retry_on: timeout, max_retry_count: 1 }
`,
  'flaky_retry.yaml': `name: flaky_retry
resource_ref: ops.flaky
policy_type: action.retry
parameters: { retry_on: failure, max_retry_count: 2, delay: 0 }
`,
};

describe("policies (a pack's policies/, applied by the scheduler)", () => {
  let dir: string;
  let server: RunningServer;
  let key: string;
  let gates: string;

  async function call(method: string, path: string, body?: unknown) {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'St2-Api-Key': key, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & Record<string, unknown>[] };
  }

  /** Runs `action` with a command that waits until the gate file `gate` exists. */
  async function runGated(action: string, gate: string, extra: Record<string, unknown> = {}): Promise<string> {
    const file = join(gates, gate);
    const r = await call('POST', '/api/v1/executions', {
      action,
      parameters: { cmd: `while [ ! -f '${file}' ]; do sleep 0.05; done; echo done`, ...extra },
    });
    expect(r.status).toBe(201);
    return r.body.id as string;
  }

  const open = (gate: string) => writeFile(join(gates, gate), '');
  const get = async (id: string) => (await server.core.store.executions.get(id)) as Execution;
  const reaches = (id: string, status: string) =>
    waitFor(async () => ((await get(id))?.status === status ? get(id) : undefined), 20_000, `${id} ${status}`);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'squall-policies-'));
    gates = join(dir, 'gates');
    await mkdir(gates);
    const pack = join(dir, 'packs', 'ops');
    await mkdir(join(pack, 'actions'), { recursive: true });
    await mkdir(join(pack, 'policies'));
    await writeFile(join(pack, 'pack.yaml'), 'ref: ops\nname: ops\nversion: 1.0.0\ndescription: policies test\n');
    for (const a of ['deploy', 'backup', 'restart', 'flaky', 'slow'])
      await writeFile(join(pack, 'actions', `${a}.yaml`), ACTION(a));
    for (const [file, text] of Object.entries(POLICIES)) await writeFile(join(pack, 'policies', file), text);
    server = await startServer({
      dataDir: dir,
      config: {
        api: { host: '127.0.0.1', port: 0 },
        chat: { shell: false },
        log: { level: 'silent' },
        packs: { paths: [join(dir, 'packs')] },
      },
      logger: silentLogger,
    });
    key = (await readCredentials(dir))?.api_key ?? '';
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("lists the pack's policies and the policy types in StackStorm's shape", async () => {
    const list = await call('GET', '/api/v1/policies?pack=ops');
    expect(list.status).toBe(200);
    expect(list.body.map((p) => p.ref)).toEqual([
      'ops.flaky_retry',
      'ops.one_backup',
      'ops.one_deploy',
      'ops.per_host',
      'ops.slow_retry',
    ]);
    expect(await call('GET', '/api/v1/policies/ops.one_deploy')).toMatchObject({
      status: 200,
      body: {
        ref: 'ops.one_deploy',
        uid: 'policy:ops:one_deploy',
        pack: 'ops',
        name: 'one_deploy',
        description: 'one deploy at a time, the others wait',
        enabled: true,
        resource_ref: 'ops.deploy',
        policy_type: 'action.concurrency',
        parameters: { threshold: 1, action: 'delay' },
      },
    });
    // Defaults of the type are filled in.
    expect((await call('GET', '/api/v1/policies/ops.flaky_retry')).body.parameters).toEqual({
      retry_on: 'failure',
      max_retry_count: 2,
      delay: 0,
    });
    const byType = await call('GET', '/api/v1/policies?policy_type=action.retry');
    expect(byType.body.map((p) => p.ref)).toEqual(['ops.flaky_retry', 'ops.slow_retry']);
    const types = await call('GET', '/api/v1/policytypes');
    expect(types.body.map((t) => t.ref)).toEqual(['action.concurrency', 'action.concurrency.attr', 'action.retry']);
    expect((await call('GET', '/api/v1/policytypes/action.retry')).body).toMatchObject({
      ref: 'action.retry',
      resource_type: 'action',
      name: 'retry',
      parameters: { retry_on: { enum: ['failure', 'timeout'] } },
    });
    expect((await call('GET', '/api/v1/policytypes/action.nope')).status).toBe(404);
  });

  it('action.concurrency with delay: over the threshold an execution is delayed, and starts when the slot frees', async () => {
    const first = await runGated('ops.deploy', 'deploy-1');
    await reaches(first, 'running');
    const second = await runGated('ops.deploy', 'deploy-2');
    expect((await reaches(second, 'delayed')).status).toBe('delayed');
    expect((await call('GET', `/api/v1/executions/${second}`)).body.status).toBe('delayed');

    await open('deploy-1');
    await reaches(first, 'succeeded');
    await reaches(second, 'running');
    await open('deploy-2');
    const done = await reaches(second, 'succeeded');
    expect(done.log.map((l) => l.status)).toEqual([
      'requested',
      'delayed',
      'requested',
      'scheduled',
      'running',
      'succeeded',
    ]);
  }, 40_000);

  it('action.concurrency with cancel: over the threshold an execution is canceled with the reason', async () => {
    const first = await runGated('ops.backup', 'backup-1');
    await reaches(first, 'running');
    const second = await runGated('ops.backup', 'backup-2');
    const canceled = await reaches(second, 'canceled');
    expect(String(canceled.result?.message)).toMatch(/Canceled by policy ops\.one_backup \(action\.concurrency\)/);
    await open('backup-1');
    await reaches(first, 'succeeded');
    // The slot is free again.
    const third = await runGated('ops.backup', 'backup-3');
    await open('backup-3');
    await reaches(third, 'succeeded');
  }, 40_000);

  it('action.concurrency.attr limits per value of the attributes', async () => {
    const a1 = await runGated('ops.restart', 'restart-a1', { host: 'a' });
    await reaches(a1, 'running');
    const b1 = await runGated('ops.restart', 'restart-b1', { host: 'b' });
    await reaches(b1, 'running');
    const a2 = await runGated('ops.restart', 'restart-a2', { host: 'a' });
    await reaches(a2, 'delayed');
    await open('restart-a1');
    await reaches(a2, 'running');
    await open('restart-a2');
    await open('restart-b1');
    await reaches(a2, 'succeeded');
    await reaches(b1, 'succeeded');
  }, 40_000);

  it('action.retry runs a failed execution again, linking the original, at most max_retry_count times', async () => {
    const r = await call('POST', '/api/v1/executions', { action: 'ops.flaky', parameters: { cmd: 'echo no; exit 3' } });
    const original = r.body.id as string;
    await reaches(original, 'failed');
    const chain = await waitFor(
      async () => {
        const { items } = await server.core.store.executions.list({ action: 'ops.flaky', order: 'asc' });
        return items.length === 3 && items.every((e) => e.status === 'failed') ? items : undefined;
      },
      20_000,
      'two retries to fail',
    );
    expect(chain[0]?.id).toBe(original);
    expect(chain[1]?.context.policies).toEqual({
      retry: { applied_policy: 'ops.flaky_retry', retry_count: 1, retried_liveaction_id: original },
    });
    expect(chain[2]?.context.policies).toEqual({
      retry: { applied_policy: 'ops.flaky_retry', retry_count: 2, retried_liveaction_id: chain[1]?.id },
    });
    expect(chain[1]?.parameters.cmd).toBe('echo no; exit 3');
    expect(chain[1]?.context.user).toBe('admin');
    // No third retry: the chain stops at max_retry_count.
    expect((await server.core.store.executions.list({ action: 'ops.flaky' })).total).toBe(3);
  }, 40_000);

  it('an execution requested with a delay is delayed until due, then runs', async () => {
    const r = await call('POST', '/api/v1/executions', { action: 'core.noop', parameters: {}, delay: 300 });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'delayed', delay: 300 });
    const done = await reaches(r.body.id as string, 'succeeded');
    expect(done.log.map((l) => l.status)).toEqual([
      'requested',
      'delayed',
      'requested',
      'scheduled',
      'running',
      'succeeded',
    ]);
  }, 20_000);

  it('action.retry with retry_on: timeout retries a timed-out execution, not a failed one', async () => {
    const timedOut = await call('POST', '/api/v1/executions', {
      action: 'ops.slow',
      parameters: { cmd: 'sleep 30', timeout: 1 },
    });
    const original = timedOut.body.id as string;
    await reaches(original, 'timeout');
    const retry = await waitFor(
      async () => {
        const { items } = await server.core.store.executions.list({ action: 'ops.slow', order: 'asc' });
        return items.find((e) => e.id !== original && e.status === 'timeout');
      },
      20_000,
      'the retry to time out too',
    );
    expect(retry.context.policies).toMatchObject({ retry: { retry_count: 1, retried_liveaction_id: original } });
    const failed = await call('POST', '/api/v1/executions', { action: 'ops.slow', parameters: { cmd: 'exit 1' } });
    await reaches(failed.body.id as string, 'failed');
    // max_retry_count 1 reached for the first chain; the failure is not what this policy retries.
    const { items } = await server.core.store.executions.list({ action: 'ops.slow' });
    expect(items).toHaveLength(3);
  }, 40_000);

  it('POST creates a policy, DELETE removes it, and a bad one is refused naming the field', async () => {
    const body = {
      pack: 'ops',
      name: 'api_made',
      resource_ref: 'ops.backup',
      policy_type: 'action.concurrency',
      parameters: { threshold: 3 },
    };
    const made = await call('POST', '/api/v1/policies', body);
    expect(made).toMatchObject({
      status: 201,
      body: { ref: 'ops.api_made', enabled: true, parameters: { threshold: 3, action: 'delay' } },
    });
    expect((await call('POST', '/api/v1/policies', body)).status).toBe(409);
    const bad = await call('POST', '/api/v1/policies', { ...body, name: 'bad', policy_type: 'action.throttle' });
    expect(bad.status).toBe(400);
    expect(bad.body.faultstring).toMatch(/policy_type: must be one of action\.concurrency/);
    const noPack = await call('POST', '/api/v1/policies', { ...body, pack: undefined, name: 'nopack' });
    expect(noPack.body.faultstring).toMatch(/pack: is required/);
    const del = await fetch(`${server.url}/api/v1/policies/ops.api_made`, {
      method: 'DELETE',
      headers: { 'St2-Api-Key': key },
    });
    expect(del.status).toBe(204);
    expect((await call('GET', '/api/v1/policies/ops.api_made')).status).toBe(404);
  });

  it('PUT disables a policy; the schedulers stop applying it', async () => {
    const put = await call('PUT', '/api/v1/policies/ops.one_backup', { enabled: false });
    expect(put).toMatchObject({
      status: 200,
      body: { enabled: false, parameters: { threshold: 1, action: 'cancel' } },
    });
    const bad = await call('PUT', '/api/v1/policies/ops.one_backup', { parameters: { threshold: -1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.faultstring).toMatch(/parameters\.threshold: must be 0 or more/);
    // Within the schedulers' refresh both run at once.
    await waitFor(
      async () => {
        const first = await runGated('ops.backup', 'backup-free');
        const second = await runGated('ops.backup', 'backup-free');
        await open('backup-free');
        const [a, b] = [await server.core.waiters.wait(first, 20_000), await server.core.waiters.wait(second, 20_000)];
        return a?.status === 'succeeded' && b?.status === 'succeeded' ? true : undefined;
      },
      20_000,
      'the disabled policy to stop canceling',
    );
  }, 40_000);
});
