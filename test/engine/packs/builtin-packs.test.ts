import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { resolveParameters } from '../../../engine/actions/parameters.js';
import type { Action } from '../../../engine/model/action.js';
import type { AliasFormat } from '../../../engine/model/alias.js';
import { loadPack } from '../../../engine/packs/pack-loader.js';
import { builtinPacksDir } from '../../../engine/packs/packs-root.js';
import { renderTemplate } from '../../../engine/templates/templates.js';

const run = promisify(execFile);
const PACKS = builtinPacksDir();

describe('built-in packs', () => {
  it('are found in the repo from the TypeScript sources', () => {
    expect(PACKS).toBe(fileURLToPath(new URL('../../../packs', import.meta.url)));
    expect(existsSync(join(PACKS, 'core', 'pack.yaml'))).toBe(true);
  });

  it('core loads without problems and declares the StackStorm core actions', async () => {
    const core = await loadPack(join(PACKS, 'core'));
    expect(core.errors).toEqual([]);
    expect(core.pack?.ref).toBe('core');
    const byName = new Map(core.actions.map((a) => [a.name, a]));
    expect([...byName.keys()].sort()).toEqual([
      'announcement',
      'ask',
      'echo',
      'error',
      'http',
      'inject_trigger',
      'local',
      'local_sudo',
      'noop',
      'pause',
      'remote',
      'remote_sudo',
      'sendmail',
      'uuid',
    ]);
    expect(byName.get('remote_sudo')?.parameters.sudo).toMatchObject({ default: true, immutable: true });
    expect(byName.get('sendmail')?.parameters.to).toMatchObject({ required: true, position: 2 });
    expect(byName.get('uuid')?.parameters.uuid_type).toMatchObject({ enum: ['uuid1', 'uuid4'], default: 'uuid4' });
    expect(byName.get('noop')?.runner_type).toBe('noop');
    expect(byName.get('ask')?.runner_type).toBe('inquirer');
    expect(byName.get('local')?.parameters.sudo).toMatchObject({ default: false, immutable: true });
    expect(byName.get('local_sudo')?.parameters.sudo).toMatchObject({ default: true, immutable: true });
    expect(byName.get('local')?.parameters.timeout).toMatchObject({ type: 'integer', default: 60 });
    expect(byName.get('http')?.parameters.method?.enum).toEqual([
      'GET',
      'POST',
      'PUT',
      'PATCH',
      'DELETE',
      'HEAD',
      'OPTIONS',
    ]);
    expect(byName.get('remote')?.parameters.private_key?.secret).toBe(true);
    expect(byName.get('pause')?.parameters.max_pause).toMatchObject({
      type: 'integer',
      required: true,
      default: 5,
      position: 0,
    });
  });

  it('chatops loads without problems and every alias points at a real action and its parameters', async () => {
    const [core, chatops] = await Promise.all([loadPack(join(PACKS, 'core')), loadPack(join(PACKS, 'chatops'))]);
    expect(chatops.errors).toEqual([]);
    const actions = new Map<string, Action>([...core.actions, ...chatops.actions].map((a) => [a.ref, a]));
    expect(chatops.aliases.map((a) => a.name).sort()).toEqual([
      'curl',
      'echo',
      'http',
      'run',
      'run_remote',
      'show_execution',
      'sleep',
    ]);
    for (const alias of chatops.aliases) {
      const action = actions.get(alias.action_ref);
      expect(action, `${alias.ref} -> ${alias.action_ref}`).toBeDefined();
      expect(alias.description, alias.ref).toBeTruthy();
      for (const name of formatParams(alias.formats))
        expect(action?.parameters, `${alias.ref} {{ ${name} }}`).toHaveProperty(name);
    }
    const run = chatops.aliases.find((a) => a.name === 'run');
    expect(run?.formats).toEqual([{ display: 'run <command>', representation: ['run {{ cmd }}'] }]);
  });

  it('renders every chatops result and ack format against sample executions', async () => {
    const chatops = await loadPack(join(PACKS, 'chatops'));
    const samples: Record<string, Record<string, unknown>> = {
      'core.local': {
        status: 'succeeded',
        parameters: { cmd: 'uptime' },
        result: { stdout: 'up 3 days', stderr: '', return_code: 0 },
      },
      'core.remote': {
        status: 'failed',
        parameters: { cmd: 'uptime', hosts: 'a,b' },
        result: {
          a: { succeeded: true, stdout: 'up', return_code: 0 },
          b: { succeeded: false, stderr: 'boom', return_code: 1 },
        },
      },
      'core.http': {
        status: 'succeeded',
        parameters: { url: 'http://x' },
        result: { status_code: 200, parsed: true, body: { ok: true } },
      },
      'core.echo': { status: 'succeeded', parameters: { message: 'hi' }, result: { stdout: 'hi' } },
      'core.pause': { status: 'succeeded', parameters: { max_pause: 5 }, result: { stdout: '' } },
      'chatops.show_execution': {
        status: 'succeeded',
        parameters: { id: 'x' },
        result: { stdout: 'status: succeeded' },
      },
    };
    const rendered: Record<string, string> = {};
    for (const alias of chatops.aliases) {
      const execution = { id: '0123456789abcdef01234567', ...samples[alias.action_ref] };
      if (alias.result?.format) rendered[alias.name] = renderTemplate(alias.result.format, { execution, alias }).trim();
      if (alias.ack?.format) renderTemplate(alias.ack.format, { execution, actionalias: alias }, { strict: true });
    }
    expect(rendered.run).toBe('```\nup 3 days\n```');
    expect(rendered.run_remote).toBe('*a*\n```\nup\n```\n*b* (failed, exit code 1)\nstderr:\n```\nboom\n```');
    expect(rendered.curl).toBe('HTTP 200\n```\n{\n  "ok": true\n}\n```');
    expect(rendered.echo).toBe('hi');
    expect(rendered.sleep).toBe('Slept 5 second(s).');
    expect(rendered.show_execution).toBe('```\nstatus: succeeded\n```');
  });

  it('the run result shows the exit code and stderr of a failed command', async () => {
    const chatops = await loadPack(join(PACKS, 'chatops'));
    const format = chatops.aliases.find((a) => a.name === 'run')?.result?.format ?? '';
    const execution = { status: 'failed', result: { stdout: '', stderr: 'no such file', return_code: 2 } };
    expect(renderTemplate(format, { execution }).trim()).toBe('stderr:\n```\nno such file\n```\nfailed (exit code 2)');
  });
});

describe('built-in scripts', () => {
  it('core.echo prints chat text verbatim, never as shell', async () => {
    const text = '$(touch /tmp/pwned) `id` ; rm -rf / "quoted" -n';
    const { stdout } = await run('sh', [join(PACKS, 'core/actions/echo.sh'), text]);
    expect(stdout).toBe(`${text}\n`);
  });

  it('core.pause takes max_pause as an integer', () => {
    const core = { max_pause: { type: 'integer' as const, required: true, default: 5, position: 0 } };
    expect(resolveParameters(core, {})).toEqual({ max_pause: 5 });
    expect(() => resolveParameters(core, { max_pause: '1; rm -rf /' }, { castStrings: true })).toThrow(
      /max_pause: expected integer/,
    );
  });

  it('chatops.show_execution fails with a clear message when SQUALL_CLI is unset', async () => {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    const err = await run('sh', [join(PACKS, 'chatops/actions/show_execution.sh'), '0123456789abcdef01234567'], {
      env,
    }).catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 2 });
    expect((err as { stderr: string }).stderr).toContain('SQUALL_CLI is not set');
  });

  it('chatops.show_execution passes only an execution id to the CLI', async () => {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', SQUALL_CLI: '/cli.js', SQUALL_NODE: 'echo' };
    const script = join(PACKS, 'chatops/actions/show_execution.sh');
    const ok = await run('sh', [script, '0123456789abcdef01234567'], { env });
    expect(ok.stdout).toBe('/cli.js execution get 0123456789abcdef01234567\n');
    const bad = await run('sh', [script, '--api-url=http://evil'], { env }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(bad).toMatchObject({ code: 2 });
    expect((bad as { stderr: string }).stderr).toContain('is not an execution id');
  });
});

/** Parameter names used in alias formats: `{{ name }}` and `{{ name = default }}`. */
function formatParams(formats: AliasFormat[]): string[] {
  const texts = formats.flatMap((f) => (typeof f === 'string' ? [f] : [f.representation ?? []].flat()));
  return texts.flatMap((t) => [...t.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1] ?? ''));
}

describe('the linux and packs built-in packs', () => {
  it('load without problems, with StackStorm linux action names', async () => {
    const linux = await loadPack(join(PACKS, 'linux'));
    expect(linux.errors).toEqual([]);
    expect(linux.actions.map((a) => a.name).sort()).toEqual([
      'check_loadavg',
      'check_processes',
      'cp',
      'diag_loadavg',
      'dig',
      'file_touch',
      'lsof',
      'lsof_pids',
      'mv',
      'netstat',
      'netstat_grep',
      'pkill',
      'rm',
      'rsync',
      'scp',
      'service',
      'traceroute',
      'vmstat',
      'wait_for_ssh',
    ]);
    const packs = await loadPack(join(PACKS, 'packs'));
    expect(packs.errors).toEqual([]);
    expect(packs.actions.map((a) => a.name).sort()).toEqual([
      'get',
      'get_config',
      'install',
      'load',
      'search',
      'setup_virtualenv',
      'show',
      'uninstall',
      'unload',
    ]);
  });

  it('linux scripts get their values as arguments, never as shell text', async () => {
    const dir = join(PACKS, 'linux', 'actions', 'scripts');
    const { stdout } = await run(join(dir, 'check_loadavg.sh'), ['all']);
    expect(Object.keys(JSON.parse(stdout) as object)).toEqual(['1', '5', '15']);
    const touched = join(tmpdir(), `squall-touch-$(id)-${process.pid}`);
    await run(join(dir, 'file_touch.sh'), [touched]);
    expect(existsSync(touched)).toBe(true);
    rmSync(touched);
  });
});
