import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN } from '../support/squall-process.js';

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the compiled `squall` with the read end of stdout or stderr closed before it writes a
 * byte, as `squall ... | head` is once head has read enough.
 */
function runWithClosedReader(args: string[], closed: 'stdout' | 'stderr'): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1' },
    });
    child[closed].destroy();
    const open = closed === 'stdout' ? child.stderr : child.stdout;
    let text = '';
    open.on('data', (b: Buffer) => (text += b.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        code,
        signal,
        stdout: closed === 'stdout' ? '' : text,
        stderr: closed === 'stderr' ? '' : text,
      }),
    );
  });
}

describe('squall piped into a reader that closes early', () => {
  it('ends quietly with exit code 0 when stdout is gone (squall --help | head)', async () => {
    const r = await runWithClosedReader(['--help'], 'stdout');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('keeps its stdout and exit code when only stderr is gone', async () => {
    const ok = await runWithClosedReader(['--version'], 'stderr');
    expect(ok.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(ok.code).toBe(0);
    const usage = await runWithClosedReader(['no-such-command'], 'stderr');
    expect(usage.code).toBe(2);
  });
});
