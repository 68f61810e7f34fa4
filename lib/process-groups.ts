import { readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Enough to find a process group again after the process that started it died, and to be sure it
 * is the same group: the host, the boot (Linux `boot_id`) and the leader's start time in clock ticks
 * since boot (`/proc/<pid>/stat` field 22). Without /proc (not Linux) only the host and id are known.
 */
export interface ProcessGroupMark {
  pgid: number;
  host: string;
  boot_id?: string;
  start_ticks?: number;
}

export type OrphanOutcome =
  /** It was still running here and has been stopped. */
  | 'stopped'
  /** Nothing of it is left. */
  | 'gone'
  /** It ran on another host or before a reboot: nothing this process can check or stop. */
  | 'elsewhere'
  /** No /proc to prove the group is the one recorded: left alone rather than risk another's. */
  | 'unverifiable';

export interface OrphanStop {
  outcome: OrphanOutcome;
  /** Processes of the group found alive. */
  members: number;
  /** The last signal sent, when one was. */
  signal?: 'SIGTERM' | 'SIGKILL';
}

interface Stat {
  pgrp: number;
  startTicks: number;
}

/** `/proc/<pid>/stat`, parsed after the command name (which may hold spaces and parentheses). */
function readStat(pid: number | string): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): pgrp is field 5, starttime field 22.
  const pgrp = Number(fields[2]);
  const startTicks = Number(fields[19]);
  if (!Number.isFinite(pgrp) || !Number.isFinite(startTicks)) return undefined;
  if (fields[0] === 'Z') return undefined; // a zombie is already dead, waiting for its parent
  return { pgrp, startTicks };
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Marks the group led by `pid` (a process spawned detached, so its group id is its pid). */
export function markProcessGroup(pid: number): ProcessGroupMark {
  const stat = readStat(pid);
  const boot = bootId();
  return {
    pgid: pid,
    host: hostname(),
    ...(boot !== undefined ? { boot_id: boot } : {}),
    ...(stat !== undefined ? { start_ticks: stat.startTicks } : {}),
  };
}

/** Live processes of the marked group: in it, and started no earlier than its leader was. */
function membersOf(mark: ProcessGroupMark & { start_ticks: number }): number[] {
  const leader = readStat(mark.pgid);
  // A live leader with another start time means the id now belongs to someone else's group.
  if (leader && leader.startTicks !== mark.start_ticks) return [];
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(name);
    if (s && s.pgrp === mark.pgid && s.startTicks >= mark.start_ticks) pids.push(Number(name));
  }
  return pids;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group went meanwhile; EPERM: not ours to signal (then nothing can be done here).
  }
}

/**
 * Stops what is left of a process group whose parent died without stopping it (`kill -9` of the
 * runner): SIGTERM to the group, then SIGKILL to whatever is left after `graceMs`. Only on the host
 * and boot it was marked on, and only when /proc proves it is the same group.
 */
export async function stopOrphanGroup(mark: ProcessGroupMark, opts: { graceMs?: number } = {}): Promise<OrphanStop> {
  if (mark.host !== hostname()) return { outcome: 'elsewhere', members: 0 };
  const boot = bootId();
  if (mark.boot_id !== undefined && boot !== undefined && mark.boot_id !== boot) {
    return { outcome: 'elsewhere', members: 0 };
  }
  if (mark.start_ticks === undefined || boot === undefined) return { outcome: 'unverifiable', members: 0 };
  const marked = { ...mark, start_ticks: mark.start_ticks };
  const members = membersOf(marked).length;
  if (members === 0) return { outcome: 'gone', members: 0 };
  signalGroup(mark.pgid, 'SIGTERM');
  const deadline = Date.now() + (opts.graceMs ?? 2000);
  while (Date.now() < deadline) {
    await sleep(25);
    if (membersOf(marked).length === 0) return { outcome: 'stopped', members, signal: 'SIGTERM' };
  }
  signalGroup(mark.pgid, 'SIGKILL');
  return { outcome: 'stopped', members, signal: 'SIGKILL' };
}
