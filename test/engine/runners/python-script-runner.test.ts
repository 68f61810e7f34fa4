import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParamSpecs } from '../../../engine/model/action.js';
import type { JsonObject } from '../../../engine/model/json.js';
import { createPythonScriptRunner } from '../../../engine/runners/python-script-runner.js';
import { waitForExit, waitForPidFile } from '../../support/processes.js';
import { makeRunContext } from '../../support/run-context.js';

const pack = realpathSync(mkdtempSync(join(tmpdir(), 'squall-pypack-')));
const dataDir = realpathSync(mkdtempSync(join(tmpdir(), 'squall-pydata-')));
const configs: Record<string, JsonObject> = { test: { region: 'eu-west-1', retries: 3 } };
const runner = createPythonScriptRunner({
  dataDir,
  python: '/usr/bin/python3',
  packConfig: async (p) => configs[p] ?? {},
});

function action(name: string, body: string): void {
  writeFileSync(join(pack, 'actions', `${name}.py`), body);
}

beforeAll(() => {
  mkdirSync(join(pack, 'actions', 'lib'), { recursive: true });
  writeFileSync(join(pack, 'actions', 'lib', '__init__.py'), '');
  writeFileSync(join(pack, 'actions', 'lib', 'helpers.py'), 'def shout(s):\n    return s.upper()\n');
  action(
    'types',
    `from st2common.runners.base_action import Action

class Types(Action):
    def run(self, count, ratio, flag, tags, meta, name, missing):
        print("hello from run")
        return {k: [type(v).__name__, v] for k, v in dict(count=count, ratio=ratio, flag=flag, tags=tags, meta=meta, name=name, missing=missing).items()}
`,
  );
  action(
    'tuple',
    `from st2common.runners.base_action import Action
class Tuple(Action):
    def run(self, ok):
        return (ok, {"said": "ok" if ok else "no"})
`,
  );
  action(
    'boom',
    `from st2common.runners.base_action import Action
class Boom(Action):
    def run(self):
        self.logger.info("about to fail")
        raise ValueError("the disk is full")
`,
  );
  action(
    'syntax',
    'from st2common.runners.base_action import Action\nclass S(Action):\n    def run(self)\n        return 1\n',
  );
  action('imports', 'import nonexistent_module_xyz\nclass I:\n    def run(self):\n        return 1\n');
  action(
    'configured',
    `from st2common.runners.base_action import Action
from lib.helpers import shout
import os, sys
class Configured(Action):
    def run(self):
        try:
            self.config["absent"]
            missing = None
        except ValueError as e:
            missing = str(e)
        return {"region": shout(self.config["region"]), "retries": self.config.get("retries"),
                "missing": missing, "greeting": os.environ.get("GREETING"), "debug": os.environ["ST2_ACTION_DEBUG"],
                "extra": __import__("extra_mod").VALUE}
`,
  );
  action(
    'hang',
    `import subprocess, sys, time
class Hang:
    def run(self, pidfile):
        child = subprocess.Popen(["sleep", "100"])
        open(pidfile, "w").write(str(child.pid))
        print("waiting", flush=True)
        time.sleep(100)
`,
  );
  action('unjson', 'class U:\n    def run(self):\n        return {1, 2}\n');
  mkdirSync(join(pack, 'extra'));
  writeFileSync(join(pack, 'extra', 'extra_mod.py'), 'VALUE = 42\n');
});
afterAll(() => {
  rmSync(pack, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

function run(entryPoint: string, parameters: JsonObject = {}, actionParameters: ParamSpecs = {}, timeoutS = 60) {
  const t = makeRunContext({
    runnerType: 'python-script',
    entryPoint,
    packPath: pack,
    parameters,
    actionParameters,
    timeoutS,
  });
  return { t, done: runner.run(t.ctx) };
}

describe('python-script runner', () => {
  it('passes the declared parameters as keyword arguments of run(), typed, None for the missing', async () => {
    const specs: ParamSpecs = {
      count: { type: 'integer' },
      ratio: { type: 'number' },
      flag: { type: 'boolean' },
      tags: { type: 'array' },
      meta: { type: 'object' },
      name: { type: 'string' },
      missing: { type: 'string' },
    };
    const { t, done } = run(
      'types.py',
      { count: 3, ratio: 0.5, flag: false, tags: ['a'], meta: { k: [1] }, name: 'x y', timeout: 30 },
      specs,
    );
    const out = await done;
    expect(out.status).toBe('succeeded');
    expect(out.result).toMatchObject({
      exit_code: 0,
      stdout: 'hello from run\n',
      stderr: '',
      result: {
        count: ['int', 3],
        ratio: ['float', 0.5],
        flag: ['bool', false],
        tags: ['list', ['a']],
        meta: ['dict', { k: [1] }],
        name: ['str', 'x y'],
        missing: ['NoneType', null],
      },
    });
    expect(t.emitted('stdout')).toBe('hello from run\n');
  });

  it('takes the status from a (bool, value) tuple', async () => {
    const yes = await run('tuple.py', { ok: true }, { ok: { type: 'boolean' } }).done;
    expect(yes).toMatchObject({ status: 'succeeded', result: { result: { said: 'ok' } } });
    const no = await run('tuple.py', { ok: false }, { ok: { type: 'boolean' } }).done;
    expect(no).toMatchObject({ status: 'failed', result: { exit_code: 0, result: { said: 'no' } } });
  });

  it('fails with the error and the traceback when run() raises; self.logger writes to stderr', async () => {
    const out = await run('boom.py').done;
    expect(out.status).toBe('failed');
    expect(out.result.error).toBe('ValueError: the disk is full');
    expect(out.result.traceback).toMatch(/File ".*boom\.py", line 5, in run/);
    expect(out.result.stderr).toContain('INFO actions.python.Boom [-] about to fail');
    expect(out.result.stderr).toContain('ValueError: the disk is full');
    expect(out.result.exit_code).toBe(1);
  });

  it('names a syntax error, a failed import, a missing file and a missing interpreter', async () => {
    const syntax = await run('syntax.py').done;
    expect(syntax.status).toBe('failed');
    expect(syntax.result.error).toBe("Syntax error in actions/syntax.py, line 3: expected ':'");
    const imports = await run('imports.py').done;
    expect(imports.result.error).toBe("Import failed in actions/imports.py: No module named 'nonexistent_module_xyz'");
    const missing = await run('nope.py').done;
    expect(missing.result.error).toBe(
      `Python action file ${join(pack, 'actions', 'nope.py')} of test.act does not exist`,
    );
    const noPython = createPythonScriptRunner({ dataDir, python: '/no/such/python3', packConfig: async () => ({}) });
    const t = makeRunContext({ runnerType: 'python-script', entryPoint: 'tuple.py', packPath: pack });
    expect((await noPython.run(t.ctx)).result.error).toBe(
      'Python interpreter /no/such/python3 does not exist or is not executable (packs.python)',
    );
  });

  it("gives self.config the pack's config, honours env, python_path, debug and actions/lib", async () => {
    const out = await run('configured.py', {
      env: { GREETING: 'hi' },
      python_path: join(pack, 'extra'),
      debug: true,
    }).done;
    expect(out.status).toBe('succeeded');
    expect(out.result.result).toEqual({
      region: 'EU-WEST-1',
      retries: 3,
      missing: expect.stringContaining('Config for pack "test" is missing key "absent"'),
      greeting: 'hi',
      debug: 'True',
      extra: 42,
    });
  });

  it('stores a result that is not JSON as its text', async () => {
    const out = await run('unjson.py').done;
    expect(out).toMatchObject({ status: 'succeeded', result: { result: '{1, 2}' } });
  });

  it('kills the whole process group on timeout and on cancel', async () => {
    for (const how of ['timeout', 'cancel'] as const) {
      const pidfile = join(pack, `${how}.pid`);
      const { t, done } = run('hang.py', { pidfile }, { pidfile: { type: 'string' } }, how === 'timeout' ? 1 : 60);
      const pid = await waitForPidFile(pidfile);
      if (how === 'cancel') t.controller.abort('cancel');
      const out = await done;
      expect(out.status).toBe(how === 'timeout' ? 'timeout' : 'canceled');
      expect(out.result.error).toBe(
        how === 'timeout' ? 'Action failed to complete in 1 seconds' : 'Execution canceled.',
      );
      await waitForExit(pid);
    }
  });
});
