import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../../app/start-server.js';
import { tempDir } from '../../../../bench/bench-util.js';
import { silentLogger } from '../../../../engine/logger.js';
import { runCli } from '../../../cli/run-cli.js';
import { buildWheel } from '../../../support/wheel.js';

/** A pack whose Python action reports which module version its environment holds. */
function writePack(root: string, name: string, requirement: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'actions'), { recursive: true });
  writeFileSync(join(dir, 'pack.yaml'), `ref: ${name}\nname: ${name}\nversion: 1.0.0\nauthor: tests\n`);
  writeFileSync(join(dir, 'requirements.txt'), `${requirement}\n`);
  writeFileSync(join(dir, 'actions', 'which.yaml'), 'name: which\nrunner_type: python-script\nentry_point: which.py\n');
  const mod = requirement.split('=')[0];
  writeFileSync(
    join(dir, 'actions', 'which.py'),
    `import sys\nclass Which:\n    def run(self):\n        import ${mod}\n        return {"value": ${mod}.VALUE, "python": sys.executable}\n`,
  );
  return dir;
}

describe('pack environments through squall start and the CLI', () => {
  const dir = tempDir('squall-venv-server-');
  const wheels = join(dir.path, 'wheels');
  const data = join(dir.path, 'data');
  let server: RunningServer;
  const squall = (args: string[]) =>
    runCli(args, { env: { SQUALL_HOME: data, SQUALL_API_URL: server.url ?? '' }, timeoutMs: 120_000 });

  beforeAll(async () => {
    buildWheel(wheels, 'squallgood', '1.0', 'VALUE = "good 1.0"\n');
    const packs = join(dir.path, 'packs');
    writePack(packs, 'goodpy', 'squallgood==1.0');
    writePack(packs, 'badpy', 'squalllater==1.0');
    writePack(join(dir.path, 'src'), 'installpy', 'squallgood==1.0');
    writePack(join(dir.path, 'src'), 'unmetpy', 'squall-never-built==1.0');
    server = await startServer({
      dataDir: data,
      config: {
        api: { port: 0 },
        log: { level: 'silent' },
        chat: { shell: false },
        packs: { paths: [packs], pip_args: ['--no-index', '--find-links', wheels] },
      },
      logger: silentLogger,
    });
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    dir.remove();
  });

  async function runWhich(pack: string) {
    const e = await server.core.executions.request({ action: `${pack}.which`, context: { user: 'admin' } });
    const done = await server.core.executions.waitForTerminal(e.id, 60_000);
    if (!done) throw new Error(`${pack}.which did not finish`);
    return done as typeof done & { result: { result?: { value?: string }; error?: string } };
  }

  it('registers a pack at start-up with its requirements installed, and runs its actions in its environment', async () => {
    const done = await runWhich('goodpy');
    expect(done.status).toBe('succeeded');
    expect(done.result.result).toEqual({
      value: 'good 1.0',
      python: join(data, 'virtualenvs', 'goodpy', 'bin', 'python'),
    });
  });

  it("refuses a pack whose requirements pip cannot install, with pip's message; --no-deps registers it knowingly", async () => {
    expect(await server.core.store.packs.get('badpy')).toBeUndefined();
    expect(await server.core.store.actions.get('badpy.which')).toBeUndefined();
    const failed = await squall(['pack', 'register', 'badpy']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('pack badpy not registered: pip could not install the requirements of pack badpy');
    expect(failed.stderr).toContain('No matching distribution found for squalllater==1.0');
    expect(await server.core.store.packs.get('badpy')).toBeUndefined();

    const skipped = await squall(['pack', 'register', 'badpy', '--no-deps']);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stdout).toContain('Registered badpy.');
    const run = await runWhich('badpy');
    expect(run.status).toBe('failed');
    expect(run.result.error).toBe("ModuleNotFoundError: No module named 'squalllater'");
  });

  it('squall pack setup-venv retries the install once the requirement can be met', async () => {
    buildWheel(wheels, 'squalllater', '1.0', 'VALUE = "later 1.0"\n');
    const r = await squall(['pack', 'setup-venv', 'badpy']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Registered badpy.');
    expect((await runWhich('badpy')).result.result?.value).toBe('later 1.0');
    const unknown = await squall(['pack', 'setup-venv', 'nosuchpack']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no pack named "nosuchpack"');
  });

  it('squall pack install sets up the environment from the wheel folder; an unmet requirement installs nothing', async () => {
    const ok = await squall(['pack', 'install', join(dir.path, 'src', 'installpy')]);
    expect(ok.code, ok.stderr + ok.stdout).toBe(0);
    expect((await runWhich('installpy')).result.result?.value).toBe('good 1.0');
    const unmet = await squall(['pack', 'install', join(dir.path, 'src', 'unmetpy')]);
    expect(unmet.code).toBe(1);
    expect(unmet.stderr + unmet.stdout).toContain('No matching distribution found for squall-never-built==1.0');
    expect(await server.core.store.packs.get('unmetpy')).toBeUndefined();
    expect(await server.core.store.actions.get('unmetpy.which')).toBeUndefined();
  });
});
