import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../../bench/bench-util.js';
import { deleteAmqpTopology, ENGINE_GROUPS } from '../../../support/amqp-teardown.js';
import { apiClient, BIN, startSquallProcess } from '../../../support/squall-process.js';

const url = process.env.SQUALL_TEST_AMQP_URL;
if (!url) console.warn('workflow-cluster.amqp.test: skipped, set SQUALL_TEST_AMQP_URL to run it on RabbitMQ');
const WFTEST = fileURLToPath(new URL('../../../fixtures/workflow-packs/wftest/', import.meta.url));

/** A workflow across three processes on RabbitMQ: the API and scheduler, a runner, the workflows role. */
describe.skipIf(!url)('workflows with the roles in separate processes on RabbitMQ', () => {
  const dir = tempDir('squall-wf-cluster-');
  const prefix = `squall-wf-cluster-${process.pid}`;
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await deleteAmqpTopology(url!, prefix, ENGINE_GROUPS);
    dir.remove();
  });

  async function startRole(role: string): Promise<void> {
    const child = spawn(process.execPath, [BIN, 'start', '--data-dir', dir.path, '--no-shell', '--role', role], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, SQUALL_LOG_LEVEL: 'warn' },
    });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      let err = '';
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('Squall is running')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`${role} exited with ${code}: ${err}`)));
    });
  }

  it('runs parallel branches into a join, each task run by the runner process', async () => {
    writeFileSync(
      join(dir.path, 'squall.yaml'),
      `bus:\n  kind: amqp\n  url: ${url}\n  prefix: ${prefix}\npacks:\n  paths: [${JSON.stringify(WFTEST)}]\n`,
    );
    const api = await startSquallProcess(dir.path, ['--role', 'api', '--role', 'scheduler', '--role', 'notifier']);
    children.push(api.child);
    await startRole('runner');
    await startRole('workflows');

    const call = apiClient(api);
    const created = await call<{ id: string }>('POST', '/api/v1/executions', { action: 'wftest.parallel' });
    expect(created.status).toBe(201);
    let e: { status: string; result?: unknown } | undefined;
    for (let i = 0; i < 150; i++) {
      e = (await call<{ status: string; result?: unknown }>('GET', `/api/v1/executions/${created.body.id}`)).body;
      if (['succeeded', 'failed', 'timeout', 'abandoned', 'canceled'].includes(e.status)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(e?.status).toBe('succeeded');
    expect(e?.result).toEqual({ output: { both: 'LR' } });
    const kids = await call<unknown[]>('GET', `/api/v1/executions?parent=${created.body.id}`);
    expect(kids.body).toHaveLength(4);
  }, 90_000);
});
