import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** True while `pid` exists and is not a zombie waiting to be reaped (`kill -0` alone counts zombies). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Polls until `check` returns a value (not undefined), or throws after `ms`. */
export async function waitFor<T>(
  check: () => T | undefined | Promise<T | undefined>,
  ms = 10_000,
  what = 'condition',
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** The pid a command wrote to `file`, once it is there. */
export function waitForPidFile(file: string): Promise<number> {
  return waitFor(
    async () => {
      const text = await readFile(file, 'utf8').catch(() => '');
      const pid = Number.parseInt(text.trim(), 10);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    },
    10_000,
    `pid file ${file}`,
  );
}

/** Resolves once `pid` is gone; rejects if it is still alive after `ms`. */
export async function waitForExit(pid: number, ms = 5_000): Promise<void> {
  await waitFor(() => (isAlive(pid) ? undefined : true), ms, `process ${pid} to exit`);
}
