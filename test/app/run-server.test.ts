import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../bench/bench-util.js';
import { waitFor } from '../support/processes.js';
import { apiClient, type SquallProcess, startSquallProcess } from '../support/squall-process.js';

interface Exec {
  id: string;
  status: string;
  result?: { stdout?: string };
  log: { status: string }[];
}

const TERMINAL = ['succeeded', 'failed', 'timeout', 'canceled', 'abandoned'];

/** `squall start` as its own process: graceful stop on SIGTERM, and `/api/v1/status`. */
describe('squall start: graceful stop and status', () => {
  const dirs: { remove(): void }[] = [];
  const procs: SquallProcess[] = [];
  afterEach(async () => {
    for (const p of procs.splice(0)) await p.kill9().catch(() => {});
    for (const d of dirs.splice(0)) d.remove();
  });

  async function start(grace: number): Promise<{ p: SquallProcess; dir: string }> {
    const d = tempDir('squall-graceful-');
    dirs.push(d);
    writeFileSync(join(d.path, 'squall.yaml'), `shutdown:\n  grace: ${grace}\n`);
    const p = await startSquallProcess(d.path);
    procs.push(p);
    return { p, dir: d.path };
  }

  const exitOf = (p: SquallProcess) =>
    new Promise<number | null>((r) => {
      if (p.child.exitCode !== null) r(p.child.exitCode);
      else p.child.once('exit', (code) => r(code));
    });

  async function running(call: ReturnType<typeof apiClient>, cmd: string): Promise<string> {
    const { body } = await call<Exec>('POST', '/api/v1/executions', { action: 'core.local', parameters: { cmd } });
    await waitFor(
      async () =>
        (await call<Exec>('GET', `/api/v1/executions/${body.id}`)).body.status === 'running' ? true : undefined,
      15_000,
      'the execution to run',
    );
    return body.id;
  }

  it('lists itself in /api/v1/status with its roles, version and the single-active roles it holds', async () => {
    const { p } = await start(5);
    const call = apiClient(p);
    const status = await waitFor(
      async () => {
        const { body } = await call<{
          processes: {
            pid: number;
            roles: string[];
            active: string[];
            version: string;
            state: string;
            heartbeat_age_s: number;
          }[];
        }>('GET', '/api/v1/status');
        const me = body.processes.find((x) => x.pid === p.child.pid);
        return me?.active.includes('timers') ? me : undefined;
      },
      15_000,
      'the process to hold the timers lease',
    );
    expect(status.roles).toEqual(expect.arrayContaining(['api', 'scheduler', 'runner', 'rules', 'timers', 'workflow']));
    expect(status.active).toEqual(expect.arrayContaining(['timers', 'sensors']));
    expect(status.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(status.state).toBe('running');
    expect(status.heartbeat_age_s).toBeLessThan(15);
  });

  it('lets a running execution finish within the grace on SIGTERM and exits 0', async () => {
    const { p, dir } = await start(20);
    const call = apiClient(p);
    const id = await running(call, 'sleep 1; echo finished');
    p.child.kill('SIGTERM');
    expect(await exitOf(p)).toBe(0);
    const again = await startSquallProcess(dir);
    procs.push(again);
    const e = (await apiClient(again)<Exec>('GET', `/api/v1/executions/${id}`)).body;
    expect(e.status).toBe('succeeded');
    expect(e.result?.stdout).toBe('finished');
  });

  it('hands an execution still running at the end of the grace back to the queue; the next start runs it', async () => {
    const { p, dir } = await start(1);
    const call = apiClient(p);
    const mark = join(dir, 'ran-once');
    const id = await running(call, `if [ -e ${mark} ]; then echo second; else touch ${mark}; sleep 60; fi`);
    p.child.kill('SIGTERM');
    expect(await exitOf(p)).toBe(0);
    expect(p.stderr()).toContain('Stopping Squall');

    const again = await startSquallProcess(dir);
    procs.push(again);
    const call2 = apiClient(again);
    const e = await waitFor(
      async () => {
        const { body } = await call2<Exec>('GET', `/api/v1/executions/${id}`);
        return TERMINAL.includes(body.status) ? body : undefined;
      },
      20_000,
      'the handed-back execution to end',
    );
    expect(e.status).toBe('succeeded');
    expect(e.result?.stdout).toBe('second');
    const statuses = e.log.map((l) => l.status);
    expect(statuses).not.toContain('abandoned');
    expect(statuses.filter((s) => s === 'running')).toHaveLength(2);
  });

  it('stops at once on a second SIGTERM, handing running executions back', async () => {
    const { p, dir } = await start(600);
    const call = apiClient(p);
    const id = await running(call, 'sleep 60');
    p.child.kill('SIGTERM');
    await waitFor(() => (p.stderr().includes('Stopping Squall') ? true : undefined), 10_000, 'the stop to begin');
    p.child.kill('SIGTERM');
    expect(await exitOf(p)).toBe(0);
    expect(p.stderr()).toContain('Stopping now');
    const again = await startSquallProcess(dir);
    procs.push(again);
    const { body } = await apiClient(again)<Exec>('GET', `/api/v1/executions/${id}`);
    expect(body.log.map((l) => l.status).slice(0, 4)).toEqual(['requested', 'scheduled', 'running', 'scheduled']);
    expect(body.log.map((l) => l.status)).not.toContain('abandoned');
  });
});
