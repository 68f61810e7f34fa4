import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { markProcessGroup, stopOrphanGroup } from '../../lib/process-groups.js';

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
  }
});

/** Live (not zombie) processes whose group is `pgid`, read from /proc. */
function alive(pgid: number): boolean {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (f[0] !== 'Z' && Number(f[2]) === pgid) return true;
    } catch {
      // gone meanwhile
    }
  }
  return false;
}

/** A detached shell (its own group) with a grandchild, as a runner starts one. */
function group(script: string): number {
  const child = spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' });
  child.unref();
  started.push(child.pid!);
  return child.pid!;
}

describe.runIf(existsSync('/proc/self/stat'))('stopOrphanGroup (Linux /proc)', () => {
  it('marks a group with its host, boot and start time, and stops every process in it', async () => {
    const pgid = group('sleep 300 & sleep 301; wait');
    const mark = markProcessGroup(pgid);
    await new Promise((r) => setTimeout(r, 200)); // let the shell start both sleeps
    expect(mark).toMatchObject({ pgid, start_ticks: expect.any(Number), boot_id: expect.any(String) });
    expect(alive(pgid)).toBe(true);
    const stop = await stopOrphanGroup(mark);
    expect(stop).toMatchObject({ outcome: 'stopped', signal: 'SIGTERM' });
    expect(stop.members).toBeGreaterThanOrEqual(2);
    await expect.poll(() => alive(pgid)).toBe(false);
  });

  it('uses SIGKILL on what ignores SIGTERM once the grace is over', async () => {
    const pgid = group("trap '' TERM; sleep 300 & wait; sleep 300");
    await new Promise((r) => setTimeout(r, 200)); // let the shell set its trap
    const stop = await stopOrphanGroup(markProcessGroup(pgid), { graceMs: 300 });
    expect(stop).toMatchObject({ outcome: 'stopped', signal: 'SIGKILL' });
    await expect.poll(() => alive(pgid)).toBe(false);
  });

  it('leaves alone a group it cannot prove is the one marked', async () => {
    const pgid = group('sleep 300');
    const mark = markProcessGroup(pgid);
    expect((await stopOrphanGroup({ ...mark, host: 'another-host' })).outcome).toBe('elsewhere');
    expect((await stopOrphanGroup({ ...mark, boot_id: 'another-boot' })).outcome).toBe('elsewhere');
    // The id now names a process started at another time: not ours any more.
    expect((await stopOrphanGroup({ ...mark, start_ticks: mark.start_ticks! + 1 })).outcome).toBe('gone');
    const { start_ticks: _t, ...noStart } = mark;
    expect((await stopOrphanGroup(noStart)).outcome).toBe('unverifiable');
    expect(alive(pgid)).toBe(true);
  });

  it('says gone when nothing of the group is left', async () => {
    const pgid = group('true');
    const mark = markProcessGroup(pgid);
    await expect.poll(() => alive(pgid)).toBe(false);
    expect((await stopOrphanGroup(mark)).outcome).toMatch(/gone|unverifiable/);
  });
});
