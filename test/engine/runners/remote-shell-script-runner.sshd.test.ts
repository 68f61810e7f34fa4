import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../engine/model/json.js';
import { remoteShellScriptRunner } from '../../../engine/runners/remote-shell-script-runner.js';
import { makeRunContext } from '../../support/run-context.js';
import { sshdUnavailableReason, startSshd, type TestSshd } from '../../support/sshd.js';

const unavailable = sshdUnavailableReason();
const required = process.env.SQUALL_TEST_SSH === '1';
if (unavailable && !required) process.stderr.write(`remote-shell-script tests skipped: ${unavailable}\n`);

describe.skipIf(unavailable !== undefined && !required)('remote-shell-script runner against a real sshd', () => {
  let sshd: TestSshd;
  let pack: string;
  let remoteDir: string;
  let host: string;
  beforeAll(async () => {
    if (unavailable) throw new Error(`SQUALL_TEST_SSH=1 but the remote runner cannot be tested: ${unavailable}`);
    sshd = await startSshd();
    host = `127.0.0.1:${sshd.port}`;
    pack = mkdtempSync(join(tmpdir(), 'squall-rscript-pack-'));
    remoteDir = mkdtempSync(join(tmpdir(), 'squall-rscript-remote-'));
    mkdirSync(join(pack, 'actions', 'lib', 'sub'), { recursive: true });
    writeFileSync(join(pack, 'actions', 'lib', 'sub', 'helper.sh'), 'echo from-lib\n');
    writeFileSync(
      join(pack, 'actions', 'show.sh'),
      '#!/bin/sh\nprintf "dir=%s\\n" "$(dirname "$0")"\nfor a in "$@"; do printf "arg=[%s]\\n" "$a"; done\nprintf "env=[%s]\\n" "$ST2_PARAM_NAME"\n. "$(dirname "$0")/lib/sub/helper.sh"\nexit "$EXIT_WITH"\n',
    );
  });
  afterAll(async () => {
    await sshd?.stop();
    for (const d of [pack, remoteDir]) if (d) rmSync(d, { recursive: true, force: true });
  });

  function run(parameters: JsonObject) {
    const t = makeRunContext({
      runnerType: 'remote-shell-script',
      entryPoint: 'show.sh',
      packPath: pack,
      actionParameters: {
        name: { type: 'string', position: 0 },
        count: { type: 'integer' },
        force: { type: 'boolean' },
      },
      parameters: { username: sshd.username, private_key: sshd.clientKeyText, dir: remoteDir, ...parameters },
    });
    return { t, done: remoteShellScriptRunner.run(t.ctx) };
  }

  it('copies the script over SFTP, runs it with quoted arguments and ST2_PARAM_ env, then removes it', async () => {
    const { done } = run({ hosts: host, name: "it's $(rm -rf /) `x`", count: 3, env: { EXIT_WITH: '0' } });
    const out = await done;
    expect(out.status).toBe('succeeded');
    const stdout = String((out.result[host] as JsonObject).stdout);
    expect(stdout).toContain(`dir=${join(remoteDir, 'e'.repeat(24))}`);
    expect(stdout).toContain("arg=[it's $(rm -rf /) `x`]");
    expect(stdout).toContain('arg=[--count=3]');
    expect(stdout).toContain("env=[it's $(rm -rf /) `x`]");
    expect(stdout).toContain('from-lib');
    expect(readdirSync(remoteDir)).toEqual([]);
  });

  it('reports a failing script per host with its exit code, and still removes it', async () => {
    const out = await run({ hosts: host, env: { EXIT_WITH: '4' } }).done;
    await run({ hosts: host, env: { EXIT_WITH: '0' } }).done;
    expect(out.status).toBe('failed');
    expect(out.result[host]).toMatchObject({ succeeded: false, failed: true, return_code: 4 });
    expect(readdirSync(remoteDir)).toEqual([]);
  });

  it('fails the host with a clear error when the script cannot be copied', async () => {
    const out = await run({ hosts: host, dir: join(remoteDir, 'missing', 'deeper'), env: { EXIT_WITH: '0' } }).done;
    expect(out.status).toBe('failed');
    expect(String((out.result[host] as JsonObject).error)).toMatch(
      /^Could not copy the script to 127\.0\.0\.1:\d+ \(mkdir /,
    );
    expect(existsSync(join(remoteDir, 'missing'))).toBe(false);
  });
});
