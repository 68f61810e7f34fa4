import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../bench/bench-util.js';
import { deleteAmqpTopology, ENGINE_GROUPS } from '../support/amqp-teardown.js';
import { apiClient, BIN, startSquallProcess } from '../support/squall-process.js';

const url = process.env.SQUALL_TEST_AMQP_URL;
if (!url) console.warn('cluster.amqp.test: skipped, set SQUALL_TEST_AMQP_URL to run the roles on RabbitMQ');

/**
 * The same code as separate processes: one runs api + scheduler + notifier + bot, the other only the
 * runner role. They share the RabbitMQ bus (and, here, one SQLite file). An execution requested through
 * the API of the first is run by the second.
 */
describe.skipIf(!url)('roles in separate processes on RabbitMQ', () => {
  const dir = tempDir('squall-cluster-');
  const prefix = `squall-cluster-${process.pid}`;
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await deleteAmqpTopology(url!, prefix, ENGINE_GROUPS);
    dir.remove();
  });

  it('runs an action requested from the API process in the runner process', async () => {
    writeFileSync(join(dir.path, 'squall.yaml'), `bus:\n  kind: amqp\n  url: ${url}\n  prefix: ${prefix}\n`);
    const api = await startSquallProcess(dir.path, [
      '--role',
      'api',
      '--role',
      'scheduler',
      '--role',
      'notifier',
      '--role',
      'bot',
    ]);
    children.push(api.child);
    const runner = spawn(process.execPath, [BIN, 'start', '--data-dir', dir.path, '--no-shell', '--role', 'runner'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, SQUALL_LOG_LEVEL: 'warn' },
    });
    children.push(runner);
    await new Promise<void>((resolve, reject) => {
      let err = '';
      runner.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('Squall is running')) resolve();
      });
      runner.once('exit', (code) => reject(new Error(`runner exited with ${code}: ${err}`)));
    });

    const call = apiClient(api);
    const created = await call<{ id: string }>('POST', '/api/v1/executions', {
      action: 'core.local',
      parameters: { cmd: 'echo pid=$PPID' },
    });
    expect(created.status).toBe(201);
    let e: { status: string; result: { stdout?: string } } | undefined;
    for (let i = 0; i < 100; i++) {
      e = (await call<{ status: string; result: { stdout?: string } }>('GET', `/api/v1/executions/${created.body.id}`))
        .body;
      if (['succeeded', 'failed', 'timeout', 'abandoned'].includes(e.status)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(e?.status).toBe('succeeded');
    // bash's parent is the runner process, not the API process.
    expect(e?.result.stdout).toBe(`pid=${runner.pid}`);
  }, 60_000);
});
