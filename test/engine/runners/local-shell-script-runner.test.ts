import { chmodSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParamSpecs } from '../../../engine/model/action.js';
import type { JsonObject } from '../../../engine/model/json.js';
import { localShellScriptRunner } from '../../../engine/runners/local-shell-script-runner.js';
import { waitForExit, waitForPidFile } from '../../support/processes.js';
import { makeRunContext } from '../../support/run-context.js';

const pack = realpathSync(mkdtempSync(join(tmpdir(), 'squall-pack-')));
const marker = join(pack, 'pwned');

beforeAll(() => {
  mkdirSync(join(pack, 'actions', 'lib'), { recursive: true });
  // Executable: prints its argv as JSON, so every argument can be compared exactly.
  writeFileSync(
    join(pack, 'actions', 'argv.js'),
    '#!/usr/bin/env node\nprocess.stdout.write(JSON.stringify(process.argv.slice(2)) + "\\n");\n',
  );
  chmodSync(join(pack, 'actions', 'argv.js'), 0o755);
  // Not executable: run with bash.
  writeFileSync(
    join(pack, 'actions', 'lib', 'report.sh'),
    'printf "%s|" "$#" "$1" "$ST2_PARAM_MESSAGE" "$ST2_PARAM_COUNT" "$ST2_PARAM_TAGS" "$ST2_PARAM_ID" "$ST2_PARAM_TIMEOUT" "$PWD"\n',
  );
  writeFileSync(join(pack, 'actions', 'fail.sh'), 'echo "bad input: $1" >&2\nexit 4\n');
  writeFileSync(join(pack, 'actions', 'hang.sh'), 'sleep 100 &\necho $! > "$1"\nwait\n');
});
afterAll(() => rmSync(pack, { recursive: true, force: true }));

function run(entryPoint: string, parameters: JsonObject, actionParameters: ParamSpecs = {}) {
  const t = makeRunContext({
    runnerType: 'local-shell-script',
    entryPoint,
    packPath: pack,
    parameters,
    actionParameters,
  });
  return { t, done: localShellScriptRunner.run(t.ctx) };
}

describe('local-shell-script runner', () => {
  it('passes each parameter as exactly one argument, however hostile its text', async () => {
    const nasty = [
      `two words`,
      `"quoted" and 'single'`,
      `$(touch ${marker})`,
      '`touch x`; rm -rf /',
      'line1\nline2',
      '--flag',
      '',
    ];
    const specs: ParamSpecs = Object.fromEntries(nasty.map((_, i) => [`p${i}`, { type: 'string', position: i }]));
    const params: JsonObject = Object.fromEntries(nasty.map((v, i) => [`p${i}`, v]));
    const out = await run('argv.js', params, specs).done;
    expect(out.status).toBe('succeeded');
    expect(out.result.stdout).toEqual(nasty);
    expect(existsSync(marker)).toBe(false);
  });

  it('serialises like StackStorm: positional by position, then --named, booleans 1/0, lists joined, objects JSON', async () => {
    const specs: ParamSpecs = {
      second: { type: 'integer', position: 1 },
      first: { type: 'string', position: 0 },
      gap: { type: 'string', position: 2 },
      verbose: { type: 'boolean' },
      tags: { type: 'array' },
      meta: { type: 'object' },
      skipped: { type: 'string' },
    };
    const out = await run(
      'argv.js',
      { first: 'a b', second: 7, verbose: true, quiet: false, tags: ['x', 'y'], meta: { k: [1] }, skipped: null },
      specs,
    ).done;
    expect(out.result.stdout).toEqual(['a b', '7', '', '--verbose=1', '--quiet=0', '--tags=x,y', '--meta={"k":[1]}']);
  });

  it('does not pass runner parameters as arguments and honours kwarg_op', async () => {
    const out = await run('argv.js', {
      name: 'n',
      timeout: 30,
      cwd: pack,
      env: { A: '1' },
      sudo: false,
      kwarg_op: '-',
    }).done;
    expect(out.result.stdout).toEqual(['-name=n']);
  });

  it('runs a non-executable script with bash, parameters also in ST2_PARAM_* variables', async () => {
    const specs: ParamSpecs = { message: { type: 'string', position: 0 } };
    const out = await run(
      'lib/report.sh',
      { message: 'hi there; $(id)', count: 3, tags: ['a', 'b'], id: { x: 1 }, timeout: 5, cwd: pack },
      specs,
    ).done;
    expect(out.status).toBe('succeeded');
    // 4 arguments: message, --count, --tags, --id; timeout/cwd are the runner's and stay out of args and env.
    expect(out.result.stdout).toBe(`4|hi there; $(id)|hi there; $(id)|3|a,b|{"x":1}||${pack}|`);
  });

  it('fails with the exit code and stderr of a failing script', async () => {
    const out = await run('fail.sh', { why: 'x' }, { why: { type: 'string', position: 0 } }).done;
    expect(out.status).toBe('failed');
    expect(out.result).toMatchObject({ return_code: 4, stderr: 'bad input: x' });
  });

  it('fails without running anything when the entry point is missing or leaves the pack', async () => {
    const missing = await run('nope.sh', {}).done;
    expect(missing.status).toBe('failed');
    expect(String(missing.result.error)).toContain('does not exist');
    const outside = await run('../../../../etc/passwd', {}).done;
    expect(outside.status).toBe('failed');
    expect(String(outside.result.error)).toContain('outside pack');
  });

  it('kills the script and its children on timeout', async () => {
    const pidFile = join(pack, 'hang.pid');
    const { t, done } = run('hang.sh', { pidfile: pidFile }, { pidfile: { type: 'string', position: 0 } });
    const pid = await waitForPidFile(pidFile);
    t.controller.abort('timeout');
    const out = await done;
    expect(out.status).toBe('timeout');
    expect(out.result).toMatchObject({ return_code: -9, error: 'Action failed to complete in 60 seconds' });
    await waitForExit(pid);
  });
  it('fails cleanly, without quoting the value, when a parameter holds a NUL byte', async () => {
    const specs: ParamSpecs = { token: { type: 'string', secret: true, position: 0 } };
    const out = await run('argv.js', { token: 'hunter2\u0000tail' }, specs).done;
    expect(out.status).toBe('failed');
    expect(String(out.result.error)).toContain('Argument 1 contains a NUL byte');
    expect(JSON.stringify(out.result)).not.toContain('hunter2');
  });
});
