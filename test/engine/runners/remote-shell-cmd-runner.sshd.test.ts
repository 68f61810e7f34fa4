import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../engine/model/json.js';
import { remoteShellCmdRunner } from '../../../engine/runners/remote-shell-cmd-runner.js';
import { waitFor, waitForExit, waitForPidFile } from '../../support/processes.js';
import { makeRunContext } from '../../support/run-context.js';
import { sshdUnavailableReason, startSshd, type TestSshd } from '../../support/sshd.js';

const unavailable = sshdUnavailableReason();
const required = process.env.SQUALL_TEST_SSH === '1';
if (unavailable && !required) process.stderr.write(`remote-shell-cmd tests skipped: ${unavailable}\n`);

describe.skipIf(unavailable !== undefined && !required)('remote-shell-cmd runner against a real sshd', () => {
  let sshd: TestSshd;
  let dir: string;
  let host: string;
  beforeAll(async () => {
    if (unavailable) throw new Error(`SQUALL_TEST_SSH=1 but the remote runner cannot be tested: ${unavailable}`);
    sshd = await startSshd();
    host = `127.0.0.1:${sshd.port}`;
    dir = mkdtempSync(join(tmpdir(), 'squall-remote-'));
  });
  afterAll(async () => {
    await sshd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function run(parameters: JsonObject, timeoutS = 60) {
    const t = makeRunContext({
      runnerType: 'remote-shell-cmd',
      parameters: { username: sshd.username, private_key: sshd.clientKeyText, ...parameters },
      timeoutS,
    });
    return { t, done: remoteShellCmdRunner.run(t.ctx) };
  }

  it('logs in with a key and returns the per-host result, streaming output unprefixed for one host', async () => {
    const { t, done } = run({ hosts: host, cmd: 'echo hi; echo err >&2' });
    const out = await done;
    expect(out.status).toBe('succeeded');
    expect(out.result).toEqual({
      [host]: { succeeded: true, failed: false, return_code: 0, stdout: 'hi', stderr: 'err' },
    });
    expect(t.emitted('stdout')).toBe('hi\n');
  });

  it('reads the key from a path and parses JSON stdout', async () => {
    const out = await run({ hosts: host, private_key: sshd.clientKeyPath, cmd: `echo '{"ok": true}'` }).done;
    expect(out.result[host]).toMatchObject({ succeeded: true, stdout: { ok: true } });
  });

  it('runs on two hosts and prefixes each streamed line with its host', async () => {
    const second = `localhost:${sshd.port}`;
    const { t, done } = run({ hosts: `${host},${second}`, cmd: 'echo one; echo two' });
    const out = await done;
    expect(out.status).toBe('succeeded');
    expect(Object.keys(out.result).sort()).toEqual([host, second].sort());
    expect(out.result[second]).toMatchObject({ succeeded: true, stdout: 'one\ntwo' });
    const lines = t.emitted('stdout').split('\n').filter(Boolean).sort();
    expect(lines).toEqual([`[${host}] one`, `[${host}] two`, `[${second}] one`, `[${second}] two`].sort());
  });

  it.each([true, false])('fails overall when the command fails on one host (parallel=%s)', async (parallel) => {
    const other = `127.0.0.2:${sshd.port}`;
    // $SSH_CONNECTION is "client_ip client_port server_ip server_port": fail on 127.0.0.2 only.
    const cmd = 'set -- $SSH_CONNECTION; [ "$3" = 127.0.0.1 ] || { echo "no good" >&2; exit 7; }; echo fine';
    const out = await run({ hosts: `${host},${other}`, cmd, parallel }).done;
    expect(out.status).toBe('failed');
    expect(out.result[host]).toMatchObject({ succeeded: true, return_code: 0, stdout: 'fine' });
    expect(out.result[other]).toMatchObject({ succeeded: false, failed: true, return_code: 7, stderr: 'no good' });
  });

  it('exports env values and cwd verbatim, quotes and shell syntax included', async () => {
    const cwd = join(dir, "it's a dir");
    mkdirSync(cwd);
    const value = `it's "quoted" $(id) \`id\` ; exit 3 \\ \n second line`;
    const out = await run({ hosts: host, cwd, env: { MSG: value, N: 5 }, cmd: 'printf "%s|%s|%s" "$MSG" "$N" "$PWD"' })
      .done;
    expect(out.result[host]).toMatchObject({ succeeded: true, stdout: `${value}|5|${cwd}` });
  });

  it('gives a host the login fails on return code 255 and an error', async () => {
    const stranger = await run({ hosts: host, private_key: sshd.strangerKeyText, cmd: 'echo never' }).done;
    expect(stranger.status).toBe('failed');
    expect(stranger.result[host]).toMatchObject({ succeeded: false, failed: true, return_code: 255 });
    expect(String((stranger.result[host] as JsonObject).error)).toMatch(/authentication/i);

    const garbage = '-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n-----END OPENSSH PRIVATE KEY-----\n';
    const bad = await run({ hosts: host, private_key: garbage, cmd: 'echo never' }).done;
    expect(bad.result[host]).toMatchObject({ failed: true, return_code: 255 });
    expect(String((bad.result[host] as JsonObject).error)).not.toContain('not a key');

    const missing = await run({ hosts: host, private_key: join(dir, 'no-such-key'), cmd: 'echo never' }).done;
    expect(missing.result[host]).toMatchObject({ failed: true, return_code: 255 });
  });

  it('reports timeout when every host timed out, and kills the remote command and its children', async () => {
    const pidFile = join(dir, 'remote.pid');
    const { t, done } = run({ hosts: host, cmd: `sleep 60 & echo $! > '${pidFile}'; echo started; wait` });
    await waitFor(() => (t.emitted('stdout').includes('started') ? true : undefined));
    const pid = await waitForPidFile(pidFile);
    t.controller.abort('timeout');
    const out = await done;
    expect(out.status).toBe('timeout');
    expect(out.result[host]).toMatchObject({
      succeeded: false,
      failed: true,
      return_code: -9,
      stdout: 'started',
      error: 'Action failed to complete in 60 seconds',
    });
    await waitForExit(pid);
  });

  it('fails rather than times out when only some hosts timed out', async () => {
    const other = `127.0.0.2:${sshd.port}`;
    const cmd = 'set -- $SSH_CONNECTION; [ "$3" = 127.0.0.1 ] && exit 0; sleep 60';
    const out = await run({ hosts: `${host},${other}`, cmd }, 4).done;
    expect(out.status).toBe('failed');
    expect(out.result[host]).toMatchObject({ succeeded: true });
    expect(out.result[other]).toMatchObject({ return_code: -9, error: 'Action failed to complete in 4 seconds' });
  });

  it('is canceled when the signal aborts with cancel', async () => {
    const { t, done } = run({ hosts: host, cmd: 'echo started; sleep 60' });
    await waitFor(() => (t.emitted('stdout').includes('started') ? true : undefined));
    t.controller.abort('cancel');
    const out = await done;
    expect(out.status).toBe('canceled');
    expect(out.result[host]).toMatchObject({ failed: true, stdout: 'started' });
  });
});
