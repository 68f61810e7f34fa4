import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalShellCmdRunner, localShellCmdRunner } from '../../../engine/runners/local-shell-cmd-runner.js';
import { isAlive, waitFor, waitForExit, waitForPidFile } from '../../support/processes.js';
import { makeRunContext } from '../../support/run-context.js';

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'squall-cmd-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(cmd: string, extra: Record<string, unknown> = {}) {
  const t = makeRunContext({ parameters: { cmd, ...(extra as object) } });
  return { t, done: localShellCmdRunner.run(t.ctx) };
}

describe('local-shell-cmd runner', () => {
  it('succeeds with stdout and stderr, one trailing newline stripped', async () => {
    const out = await run(`printf 'hello\\n\\n'; echo warn >&2`).done;
    expect(out.status).toBe('succeeded');
    expect(out.result).toEqual({ succeeded: true, failed: false, return_code: 0, stdout: 'hello\n', stderr: 'warn' });
  });

  it('fails on a non-zero exit and reports the code', async () => {
    const out = await run('echo oops >&2; exit 3').done;
    expect(out.status).toBe('failed');
    expect(out.result).toMatchObject({ succeeded: false, failed: true, return_code: 3, stderr: 'oops' });
  });

  it('parses JSON objects and arrays on stdout, but leaves other JSON-looking text alone', async () => {
    const obj = await run(`echo '{"a": 1, "b": [true, "x"]}'`).done;
    expect(obj.result.stdout).toEqual({ a: 1, b: [true, 'x'] });
    const arr = await run(`echo '[1, 2]'`).done;
    expect(arr.result.stdout).toEqual([1, 2]);
    const num = await run('echo 42').done;
    expect(num.result.stdout).toBe('42');
    const broken = await run(`echo '{not json}'`).done;
    expect(broken.result.stdout).toBe('{not json}');
  });

  it('runs in cwd with the parent env, the env parameter and the context env', async () => {
    process.env.SQUALL_TEST_PARENT_VAR = 'from-parent';
    const t = makeRunContext({
      parameters: {
        cmd: `printf '%s|%s|%s|%s' "$PWD" "$SQUALL_TEST_PARENT_VAR" "$GREETING" "$ST2_ACTION_EXECUTION_ID"`,
        cwd: dir,
        env: { GREETING: `it's "$HOME" $(id)` },
      },
      env: { ST2_ACTION_EXECUTION_ID: 'abc123' },
    });
    const out = await localShellCmdRunner.run(t.ctx);
    delete process.env.SQUALL_TEST_PARENT_VAR;
    expect(out.result.stdout).toBe(`${dir}|from-parent|it's "$HOME" $(id)|abc123`);
  });

  it('fails clearly when cwd does not exist', async () => {
    const out = await run('true', { cwd: join(dir, 'missing') }).done;
    expect(out.status).toBe('failed');
    expect(String(out.result.error)).toContain('missing');
  });

  it('streams output through emit while the command is still running', async () => {
    const { t, done } = run('echo ready; echo err-ready >&2; sleep 30');
    await waitFor(() =>
      t.emitted('stdout') === 'ready\n' && t.emitted('stderr') === 'err-ready\n' ? true : undefined,
    );
    t.controller.abort('cancel');
    const out = await done;
    expect(out.status).toBe('canceled');
    expect(out.result.stdout).toBe('ready');
  });

  it('kills the whole process group on cancel, grandchildren included', async () => {
    const pidFile = join(dir, 'cancel.pid');
    const { t, done } = run(`sleep 100 & echo $! > ${pidFile}; wait`);
    const pid = await waitForPidFile(pidFile);
    expect(isAlive(pid)).toBe(true);
    t.controller.abort('cancel');
    const out = await done;
    expect(out.status).toBe('canceled');
    await waitForExit(pid);
  });

  it('SIGKILLs a grandchild that ignores SIGTERM', async () => {
    const runner = createLocalShellCmdRunner({ killGraceMs: 300 });
    const pidFile = join(dir, 'stubborn.pid');
    const t = makeRunContext({
      parameters: { cmd: `bash -c 'trap "" TERM; echo $$ > ${pidFile}; while :; do sleep 0.1; done' & wait` },
    });
    const done = runner.run(t.ctx);
    const pid = await waitForPidFile(pidFile);
    t.controller.abort('cancel');
    expect((await done).status).toBe('canceled');
    await waitForExit(pid);
  });

  it("reports StackStorm's timeout status, return code and message when aborted for timeout", async () => {
    const { t, done } = run('echo started; sleep 30');
    await waitFor(() => (t.emitted('stdout') ? true : undefined));
    t.controller.abort('timeout');
    const out = await done;
    expect(out.status).toBe('timeout');
    expect(out.result).toMatchObject({
      succeeded: false,
      failed: true,
      return_code: -9,
      stdout: 'started',
      error: 'Action failed to complete in 60 seconds',
    });
  });

  it('enforces timeoutS itself when nobody aborts', async () => {
    const t = makeRunContext({ parameters: { cmd: 'sleep 30' }, timeoutS: 1 });
    const out = await localShellCmdRunner.run(t.ctx);
    expect(out.status).toBe('timeout');
    expect(out.result.error).toBe('Action failed to complete in 1 seconds');
  });

  it('keeps only the tail of runaway output and says how much was dropped', async () => {
    const runner = createLocalShellCmdRunner({ maxOutputChars: 1000 });
    const t = makeRunContext({ parameters: { cmd: `head -c 200000 /dev/zero | tr '\\0' x; echo; echo END` } });
    const out = await runner.run(t.ctx);
    expect(out.status).toBe('succeeded');
    const stdout = String(out.result.stdout);
    expect(stdout.length).toBeLessThanOrEqual(1000);
    expect(stdout.endsWith('x\nEND')).toBe(true);
    expect(out.result.stdout_truncated).toBe(200005 - 1000);
  });

  it('finishes when the command exits even if a background child keeps stdout open', async () => {
    const runner = createLocalShellCmdRunner({ drainGraceMs: 200 });
    const t = makeRunContext({ parameters: { cmd: 'sleep 60 & echo $!' } });
    const out = await runner.run(t.ctx);
    expect(out.status).toBe('succeeded');
    const pid = Number(out.result.stdout);
    expect(isAlive(pid)).toBe(true);
    process.kill(pid, 'SIGKILL');
  });

  it.skipIf(process.getuid?.() !== 0)('runs sudo commands directly when Squall is root', async () => {
    const out = await run('id -u', { sudo: true }).done;
    expect(out.result).toMatchObject({ succeeded: true, stdout: '0' });
  });
});

describe("Squall's own secrets stay out of actions", () => {
  it('does not pass SQUALL_SLACK_* tokens or the API key to the child, but passes the execution token', async () => {
    const { childEnv } = await import('../../../engine/runners/process-runner.js');
    process.env.SQUALL_SLACK_BOT_TOKEN = 'xoxb-secret';
    process.env.SQUALL_API_KEY = 'key-secret';
    try {
      const env = childEnv({ A: '1' }, { SQUALL_AUTH_TOKEN: 'per-execution' });
      expect(env.SQUALL_SLACK_BOT_TOKEN).toBeUndefined();
      expect(env.SQUALL_API_KEY).toBeUndefined();
      expect(env.SQUALL_AUTH_TOKEN).toBe('per-execution');
      expect(env.A).toBe('1');
      expect(env.PATH).toBe(process.env.PATH);
    } finally {
      delete process.env.SQUALL_SLACK_BOT_TOKEN;
      delete process.env.SQUALL_API_KEY;
    }
  });
});
