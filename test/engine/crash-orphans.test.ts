import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../bench/bench-util.js';
import { apiClient, startSquallProcess } from '../support/squall-process.js';

// Issue 9, defect 10: `kill -9` of the server left the commands it was running alive. The restarted
// server stops them when it marks their executions abandoned, and says so in the result.

/** Pids of live processes whose command line is exactly `argv`. */
function pidsRunning(argv: string[]): number[] {
  const want = `${argv.join('\0')}\0`;
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8') !== want) continue;
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

describe.runIf(process.platform === 'linux')('kill -9 of the server and its running commands', () => {
  const dir = tempDir('squall-orphans-');
  // A duration no other process on the machine sleeps for.
  const argv = ['sleep', `300.${process.pid}${Date.now() % 1000}`];
  afterAll(() => {
    for (const pid of pidsRunning(argv)) process.kill(pid, 'SIGKILL');
    dir.remove();
  });

  it("stops a core.local 'sleep 300' left running by a kill -9 when the server comes back", async () => {
    const first = await startSquallProcess(dir.path);
    const api = apiClient(first);
    const created = await api<{ id: string }>('POST', '/api/v1/executions', {
      action: 'core.local',
      parameters: { cmd: argv.join(' ') },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    await expect.poll(() => pidsRunning(argv).length, { timeout: 20_000 }).toBe(1);
    const [sleepPid] = pidsRunning(argv);
    // Wait until the runner has recorded the process group it started (read from the live file).
    const db = new Database(join(dir.path, 'squall.db'), { readonly: true });
    try {
      const recorded = () =>
        (db.prepare('SELECT doc FROM executions WHERE id = ?').pluck().get(id) as string).includes('"process_group"');
      await expect.poll(recorded, { timeout: 20_000 }).toBe(true);
    } finally {
      db.close();
    }

    await first.kill9();
    // The defect: the command outlives its server.
    expect(pidsRunning(argv)).toEqual([sleepPid]);

    const second = await startSquallProcess(dir.path);
    try {
      const again = apiClient(second);
      let e: { status: string; result: { error?: string; process_group?: Record<string, unknown> } } | undefined;
      // Marked abandoned first; the result says what became of its processes once they are dealt with.
      await expect
        .poll(
          async () => {
            e = (await again<NonNullable<typeof e>>('GET', `/api/v1/executions/${id}`)).body;
            return `${e.status} ${String(e.result.process_group?.outcome)}`;
          },
          { timeout: 20_000 },
        )
        .toBe('abandoned stopped');
      await expect.poll(() => pidsRunning(argv), { timeout: 10_000 }).toEqual([]);
      expect(e?.result.error).toMatch(/Its process group \d+ was still running on this host and was stopped \(SIGTERM/);
    } finally {
      await second.stop();
    }
  }, 90_000);
});
