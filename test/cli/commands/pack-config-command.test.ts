import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startServer } from '../../../app/start-server.js';
import { silentLogger } from '../../../engine/logger.js';
import { RUNNER_TYPES } from '../../../engine/runners/runner-types.js';
import { type CliRun, runCli } from '../run-cli.js';

// Pack configs end to end: a pack with config.schema.yaml on packs.paths, its config written by
// hand (invalid) and by `squall pack config`, used as config_context in parameter defaults.
let server: { url: string | undefined; close(): Promise<void> };
let work: string;
let dataDir: string;
let url: string;
const packs = () => join(work, 'packs');

function squall(args: string[], input?: string): Promise<CliRun> {
  return runCli(args, {
    env: { SQUALL_HOME: dataDir, SQUALL_API_URL: url },
    ...(input === undefined ? {} : { input }),
    timeoutMs: 60_000,
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'squall-pack-config-'));
  dataDir = join(work, 'data');
  const pack = join(packs(), 'cfgpack');
  await mkdir(join(pack, 'actions'), { recursive: true });
  await writeFile(join(pack, 'pack.yaml'), 'name: cfgpack\nversion: 1.0.0\ndescription: d\nauthor: a\n');
  await writeFile(
    join(pack, 'config.schema.yaml'),
    [
      'api_url:',
      '  type: string',
      '  description: Where the API is',
      '  required: true',
      'port:',
      '  type: integer',
      '  default: 443',
      'token:',
      '  type: string',
      '  secret: true',
      'tls:',
      '  type: object',
      '  properties:',
      '    verify:',
      '      type: boolean',
      '      default: yes',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(pack, 'actions', 'show.yaml'),
    [
      'name: show',
      'runner_type: local-shell-cmd',
      'parameters:',
      '  cmd:',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion in the action's command
      '    default: "echo {{ config_context.api_url }} {{ config_context.port }} {{ config_context.tls.verify }} ${TOKEN:+token-set}"',
      '  env:',
      '    default:',
      '      TOKEN: "{{ config_context.token }}"',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(pack, 'actions', 'echo.yaml'),
    'name: echo\nrunner_type: local-shell-cmd\nparameters:\n  cmd:\n    default: echo hi\n',
  );
  await writeFile(
    join(pack, 'actions', 'win.yaml'),
    'name: win\nrunner_type: winrm-cmd\nparameters:\n  cmd:\n    type: string\n',
  );
  await mkdir(join(dataDir, 'configs'), { recursive: true });
  await writeFile(join(dataDir, 'configs', 'cfgpack.yaml'), 'port: not-a-number\ntoken: s3cret-value\n');
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    logger: silentLogger,
    config: { packs: { paths: [packs()] } },
  });
  url = server.url ?? '';
}, 60_000);

afterAll(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

describe('pack configs', () => {
  it('reports an invalid config at registration with file, key and problem; its actions refuse to run', async () => {
    const reg = await squall(['pack', 'register', 'cfgpack']);
    const file = join(dataDir, 'configs', 'cfgpack.yaml');
    expect(reg.stderr).toContain(`${file}: api_url: is required`);
    expect(reg.stderr).toContain(`${file}: port: must be an integer (it is a string)`);
    expect(reg.stderr).not.toContain('s3cret-value');
    // Its defaults read config_context, so the request itself is refused with the reason.
    const run = await squall(['run', 'cfgpack.show']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the config of pack "cfgpack" is invalid');
    expect(run.stderr).toContain(`${file}: api_url: is required`);
    expect(run.stderr).not.toContain('s3cret-value');
    // One that does not is taken, and refused when its runner would start.
    const win = await squall(['run', 'cfgpack.echo', '--json']);
    expect(win.code).toBe(1);
    const e = JSON.parse(win.stdout) as { status: string; result: { error: string } };
    expect(e.status).toBe('failed');
    expect(e.result.error).toContain(`the config of pack "cfgpack" is invalid: ${file}: api_url: is required`);
  });

  it('squall pack config asks each option (nested, secrets unechoed) and writes a valid config', async () => {
    await squall(['key', 'set', 'cfg_api', 'https://api.example.com']);
    await writeFile(join(dataDir, 'configs', 'cfgpack.yaml'), '');
    // api_url, port, token (secret), tls.verify
    const r = await squall(['pack', 'config', 'cfgpack'], '{{ st2kv.system.cfg_api }}\n8443\ntopsecret\nno\n');
    expect(r.stderr).not.toContain('squall:');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Wrote ${join(dataDir, 'configs', 'cfgpack.yaml')}`);
    expect(r.stderr).toContain('api_url – Where the API is [required]');
    expect(r.stderr).toContain('tls.verify');
    expect(r.stderr).not.toContain('topsecret');
    const written = parseYaml(await readFile(join(dataDir, 'configs', 'cfgpack.yaml'), 'utf8')) as unknown;
    expect(written).toEqual({
      api_url: '{{ st2kv.system.cfg_api }}',
      port: 8443,
      token: 'topsecret',
      tls: { verify: false },
    });
  });

  it('renders config_context in parameter defaults with st2kv; the API masks secret options', async () => {
    const run = await squall(['run', 'cfgpack.show']);
    expect(run.stderr).not.toContain('✖');
    expect(run.stdout).toBe('https://api.example.com 8443 false token-set\n');
    const creds = parseYaml(await readFile(join(dataDir, 'credentials'), 'utf8')) as { api_key: string };
    const res = await fetch(`${url}/api/v1/configs/cfgpack`, { headers: { 'st2-api-key': creds.api_key } });
    const body = (await res.json()) as { values: Record<string, unknown> };
    expect(body.values.token).toBe('********');
    expect(JSON.stringify(body)).not.toContain('topsecret');
  });

  it('PUT /api/v1/configs refuses an invalid config with the key and problem', async () => {
    const creds = parseYaml(await readFile(join(dataDir, 'credentials'), 'utf8')) as { api_key: string };
    const res = await fetch(`${url}/api/v1/configs/cfgpack`, {
      method: 'PUT',
      headers: { 'st2-api-key': creds.api_key, 'content-type': 'application/json' },
      body: JSON.stringify({ api_url: 'x', port: 'eighty' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { faultstring: string }).faultstring).toContain('port: must be an integer');
  });
});

describe('unsupported runners', () => {
  it('are reported by validate and registration; the rest of the pack loads; running fails with the reason', async () => {
    const v = await squall(['pack', 'validate', join(packs(), 'cfgpack')]);
    expect(v.stdout).toContain('cfgpack/actions/win.yaml: runner_type: warning: runner winrm-cmd is not supported');
    const reg = await squall(['pack', 'register', 'cfgpack']);
    expect(reg.stderr).toContain('runner winrm-cmd is not supported');
    const run = await squall(['run', 'cfgpack.win', 'cmd=dir']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Action "cfgpack.win" cannot run: runner winrm-cmd is not supported.');
    const listed = await squall(['action', 'list', '--pack', 'cfgpack']);
    expect(listed.stdout).toContain('cfgpack.show');
  });

  it('the list validate checks against holds every runner the server has', async () => {
    const creds = parseYaml(await readFile(join(dataDir, 'credentials'), 'utf8')) as { api_key: string };
    const res = await fetch(`${url}/api/v1/runnertypes`, { headers: { 'st2-api-key': creds.api_key } });
    const names = ((await res.json()) as { name: string }[]).map((r) => r.name);
    expect(names.length).toBeGreaterThan(5);
    for (const n of names) expect(RUNNER_TYPES).toContain(n);
  });
});
