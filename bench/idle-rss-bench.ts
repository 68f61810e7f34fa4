import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installRoot } from '../lib/install-root.js';
import { type Metric, round, tempDir } from './bench-util.js';

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** Starts the all-in-one process as a user would (`squall start`), lets it settle, reads its RSS. */
export async function benchIdleRss(): Promise<Metric[]> {
  const dir = tempDir('squall-rss-');
  const bin = join(installRoot(), 'bin', 'squall.js');
  const child = spawn(process.execPath, [bin, 'start', '--port', '0', '--data-dir', dir.path, '--no-shell'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, SQUALL_LOG_LEVEL: 'warn' },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`squall start did not come up: ${err}`)), 30_000);
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('Squall is running')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`squall start exited with ${code}: ${err}`)));
    });
    await new Promise((r) => setTimeout(r, 3000));
    return [{ metric: 'idle_rss_mb', value: round(rssMb(child.pid!), 1), unit: 'MB' }];
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    dir.remove();
  }
}
