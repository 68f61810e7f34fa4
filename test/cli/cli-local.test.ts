import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

// Commands that need no server: help, usage errors, local alias parsing and pack validation.
describe('squall (local commands)', () => {
  it('lists its commands with --help and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['start', 'run', 'execution', 'action', 'pack', 'apikey', 'user', 'login', 'alias', 'shell']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${cmd}\\b`, 'm'));
    }
  });

  it.each([
    [['run'], 'squall run core.local cmd=date'],
    [['execution', 'list'], 'squall execution list'],
    [['execution', 'tail'], 'squall execution tail'],
    [['action', 'get'], 'squall action get core.local'],
    [['pack', 'validate'], 'squall pack validate'],
    [['apikey', 'create'], 'squall apikey create'],
    [['user', 'create'], 'squall user create alice'],
    [['login'], 'squall login --username'],
    [['alias', 'parse'], 'squall alias parse --format'],
    [['shell'], 'squall shell'],
    [['start'], 'squall start --config'],
  ])('shows examples in `%s --help`', async (cmd, example) => {
    const r = await runCli([...cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain(example);
  });

  it('exits 2 with one line on stderr for an unknown command', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^squall: unknown command 'frobnicate'/);
    expect(r.stdout).toBe('');
  });

  it('exits 2 for an unknown option and for a missing argument', async () => {
    const opt = await runCli(['run', 'core.local', '--frob']);
    expect(opt.code).toBe(2);
    expect(opt.stderr).toContain("squall: unknown option '--frob'");
    const arg = await runCli(['execution', 'get']);
    expect(arg.code).toBe(2);
    expect(arg.stderr).toContain("squall: missing required argument 'id'");
  });

  it('exits 2 for a malformed key=value before contacting any server', async () => {
    const r = await runCli(['run', 'core.local', 'cmd=date', 'oops', '--api-url', 'http://127.0.0.1:9']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('squall: malformed parameter "oops": expected key=value');
  });

  it('exits 2 for a bad --limit or --timeout', async () => {
    expect((await runCli(['execution', 'list', '--limit', 'ten'])).code).toBe(2);
    expect((await runCli(['run', 'core.local', '--timeout', '-1'])).code).toBe(2);
  });

  it('exits 1 with a hint when no server is listening', async () => {
    const r = await runCli(['action', 'list', '--api-url', 'http://127.0.0.1:9']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('squall: cannot reach Squall at http://127.0.0.1:9: is it running? (squall start)');
  });

  it('reads the server address from SQUALL_API_URL', async () => {
    const r = await runCli(['pack', 'list'], { env: { SQUALL_API_URL: 'http://127.0.0.1:9/' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot reach Squall at http://127.0.0.1:9:');
  });

  describe('alias parse', () => {
    it('prints the parameters a command gives and exits 0', async () => {
      const r = await runCli(['alias', 'parse', '--format', 'run {{cmd}} on {{hosts}}', 'run date on web1']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ parameters: { cmd: 'date', hosts: 'web1' } });
    });

    it('applies the default of an optional placeholder left out', async () => {
      const r = await runCli(['alias', 'parse', '--format', 'status {{service}} {{env=prod}}', 'status web']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ parameters: { service: 'web', env: 'prod' } });
    });

    it('prints why a command does not match and exits 1', async () => {
      const r = await runCli(['alias', 'parse', '--format', 'run {{cmd}} on {{hosts}}', 'walk the dog']);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^squall: .*walk the dog.*run \{\{cmd\}\} on \{\{hosts\}\}/);
    });

    it('reports an invalid format and exits 1', async () => {
      const r = await runCli(['alias', 'parse', '--format', 'say {{ }} now', 'say hi now']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('say {{ }} now');
    });

    it('needs --format (usage error)', async () => {
      const r = await runCli(['alias', 'parse', 'run date']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--format');
    });
  });

  describe('pack validate', () => {
    async function pack(files: Record<string, string>): Promise<string> {
      const dir = join(await mkdtemp(join(tmpdir(), 'squall-pack-')), 'demo');
      for (const [path, text] of Object.entries(files)) {
        await mkdir(join(dir, path, '..'), { recursive: true });
        await writeFile(join(dir, path), text);
      }
      return dir;
    }
    const packYaml = 'ref: demo\nname: demo\ndescription: Demo\nversion: 1.0.0\nauthor: Squall\n';
    const action = 'name: hello\nrunner_type: local-shell-cmd\nparameters:\n  cmd:\n    type: string\n';

    it('says so and exits 0 for a valid pack', async () => {
      const dir = await pack({
        'pack.yaml': packYaml,
        'actions/hello.yaml': action,
        'aliases/hello.yaml': 'name: hello\naction_ref: demo.hello\nformats:\n  - "say {{ cmd }}"\n',
      });
      const r = await runCli(['pack', 'validate', dir]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('no problems found');
    });

    it('prints each problem as file: field: problem and exits 1', async () => {
      const dir = await pack({
        'pack.yaml': packYaml,
        'actions/broken.yaml':
          'name: broken\nrunner_type: local-shell-cmd\nparameters:\n  timeout:\n    type: integr\n',
        'aliases/bad.yaml': 'name: bad\naction_ref: demo.hello\nformats:\n  - "say {{ }} now"\n',
      });
      const r = await runCli(['pack', 'validate', dir]);
      expect(r.code).toBe(1);
      const lines = r.stdout.trim().split('\n');
      expect(lines).toContainEqual(
        expect.stringMatching(/^demo\/actions\/broken\.yaml: parameters\.timeout\.type: .+/),
      );
      expect(lines).toContainEqual(expect.stringMatching(/^demo\/aliases\/bad\.yaml: formats: .*say \{\{ \}\} now/));
      expect(r.stderr).toContain('2 errors');
    });
  });
});
