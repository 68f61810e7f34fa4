import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startServer } from '../../../app/start-server.js';
import { silentLogger } from '../../../engine/logger.js';
import { type CliRun, runCli } from '../run-cli.js';

// `squall pack install/remove/show/list` (a child process) against a real server, with packs made in
// the test: a plain folder, a git repository with tags, and an Exchange-format index naming it.
let server: { url: string | undefined; close(): Promise<void> };
let dataDir: string;
let work: string;
let url: string;

function squall(args: string[]): Promise<CliRun> {
  return runCli(args, { env: { SQUALL_HOME: dataDir, SQUALL_API_URL: url }, timeoutMs: 60_000 });
}

async function writePack(dir: string, name: string, version: string, extra = ''): Promise<void> {
  await mkdir(join(dir, 'actions'), { recursive: true });
  await mkdir(join(dir, 'aliases'), { recursive: true });
  await writeFile(
    join(dir, 'pack.yaml'),
    `name: ${name}\nversion: ${version}\ndescription: test pack ${name}\nauthor: tests\n${extra}`,
  );
  await writeFile(
    join(dir, 'actions', 'hello.yaml'),
    `name: hello\nrunner_type: local-shell-cmd\nparameters:\n  cmd:\n    default: echo hello from ${name} ${version}\n`,
  );
  await writeFile(
    join(dir, 'aliases', 'hello.yaml'),
    `name: hello\naction_ref: ${name}.hello\nformats:\n  - say hello ${name}\n`,
  );
}

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' });

async function gitPack(dir: string, name: string): Promise<void> {
  await writePack(dir, name, '1.0.0');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'v1');
  git(dir, 'tag', 'v1.0.0');
  await writePack(dir, name, '1.1.0');
  git(dir, 'commit', '-qam', 'v1.1');
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'squall-pack-install-'));
  dataDir = join(work, 'data');
  await writePack(join(work, 'src', 'folderpack'), 'folderpack', '0.3.0', 'stackstorm_version: ">=3.0"\n');
  await gitPack(join(work, 'src', 'gitpack'), 'gitpack');
  await writePack(
    join(work, 'src', 'needsdep'),
    'needsdep',
    '0.1.0',
    `dependencies:\n  - file://${join(work, 'src', 'deppack')}\n`,
  );
  await writePack(join(work, 'src', 'deppack'), 'deppack', '2.0.0');
  const index = {
    metadata: { generated_ts: 1, hash: 'x' },
    packs: {
      gitpack: {
        name: 'gitpack',
        version: '1.0.0',
        repo_url: `file://${join(work, 'src', 'gitpack')}`,
        versions: ['1.0.0'],
      },
    },
  };
  await writeFile(join(work, 'index.json'), JSON.stringify(index));
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    logger: silentLogger,
    config: { packs: { index_url: join(work, 'index.json') } },
  });
  url = server.url ?? '';
}, 60_000);

afterAll(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

describe('squall pack install', () => {
  it('installs a local folder into <data_dir>/packs, warns about stackstorm_version, prints what it registered', async () => {
    const r = await squall(['pack', 'install', join(work, 'src', 'folderpack')]);
    expect(r.stderr).not.toContain('✖');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Warning: folderpack asks for stackstorm_version >=3.0; it is not checked');
    expect(r.stdout).toContain('Installed folderpack 0.3.0: 1 action, 1 alias');
    expect(existsSync(join(dataDir, 'packs', 'folderpack', 'actions', 'hello.yaml'))).toBe(true);
    const run = await squall(['run', 'folderpack.hello']);
    expect(run.stdout).toBe('hello from folderpack 0.3.0\n');
  });

  it('clones a git repository at a tag (=ref) and at its default branch', async () => {
    const repo = `file://${join(work, 'src', 'gitpack')}`;
    const tagged = await squall(['pack', 'install', `${repo}=v1.0.0`]);
    expect(tagged.code).toBe(0);
    expect(tagged.stdout).toContain('Installed gitpack 1.0.0');
    const head = await squall(['pack', 'install', repo]);
    expect(head.code).toBe(0);
    expect(head.stdout).toContain('Installed gitpack 1.1.0');
    const bad = await squall(['pack', 'install', `${repo}=9.9.9`]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"9.9.9" is not a valid version, hash, tag or branch');
    expect(bad.stderr).toContain('v1.0.0');
    // The failed install left the previous one in place.
    const show = await squall(['pack', 'show', 'gitpack', '--json']);
    expect(JSON.parse(show.stdout)).toMatchObject({ version: '1.1.0' });
  });

  it('resolves a name through packs.index_url and installs the version the index lists (tag v<version>)', async () => {
    const r = await squall(['pack', 'install', 'gitpack']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Installed gitpack 1.0.0');
    const missing = await squall(['pack', 'install', 'nosuchpack']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No record of the "nosuchpack" pack in the index.');
  });

  it('installs dependencies first', async () => {
    const r = await squall(['pack', 'install', join(work, 'src', 'needsdep')]);
    expect(r.code).toBe(0);
    expect(r.stdout.indexOf('Installed deppack 2.0.0')).toBeGreaterThan(-1);
    expect(r.stdout.indexOf('Installed deppack')).toBeLessThan(r.stdout.indexOf('Installed needsdep'));
  });

  it('lists packs with version and origin, and shows one', async () => {
    const list = await squall(['pack', 'list', '--json']);
    const packs = JSON.parse(list.stdout) as { ref: string; version: string; origin?: string }[];
    const byRef = new Map(packs.map((p) => [p.ref, p]));
    expect(byRef.get('core')?.origin).toBe('built-in');
    expect(byRef.get('folderpack')).toMatchObject({
      version: '0.3.0',
      origin: `folder ${join(work, 'src', 'folderpack')}`,
    });
    expect(byRef.get('gitpack')?.origin).toMatch(/^index gitpack → file:\/\/.*@v1\.0\.0 \([0-9a-f]{7}\)$/);
    const table = await squall(['pack', 'list']);
    expect(table.stdout).toMatch(/folderpack\s+│\s+0\.3\.0\s+│\s+folder /);
    const show = await squall(['pack', 'show', 'folderpack']);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/actions\s+│\s+1/);
    expect(show.stdout).toMatch(/aliases\s+│\s+1/);
  });

  it('removes a pack: content, folder and origin; the config file stays; built-in packs refuse', async () => {
    await mkdir(join(dataDir, 'configs'), { recursive: true });
    await writeFile(join(dataDir, 'configs', 'deppack.yaml'), 'x: 1\n');
    const r = await squall(['pack', 'remove', 'deppack']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Removed deppack: 1 action, 1 alias');
    expect(existsSync(join(dataDir, 'packs', 'deppack'))).toBe(false);
    expect(parseYaml(await readFile(join(dataDir, 'configs', 'deppack.yaml'), 'utf8'))).toEqual({ x: 1 });
    const gone = await squall(['run', 'deppack.hello']);
    expect(gone.code).toBe(1);
    const core = await squall(['pack', 'remove', 'core']);
    expect(core.code).toBe(1);
    expect(core.stderr).toContain('pack "core" is built into Squall and cannot be removed');
  });
});

describe('POST /api/v1/packs/install and /uninstall', () => {
  async function api(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const creds = parseYaml(await readFile(join(dataDir, 'credentials'), 'utf8')) as { api_key: string };
    const res = await fetch(`${url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'st2-api-key': creds.api_key, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  async function finished(id: string): Promise<Record<string, unknown>> {
    for (;;) {
      const e = await api(`/api/v1/executions/${id}`, undefined);
      if (!['requested', 'scheduled', 'running'].includes(String(e.json.status))) return e.json;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('answers 202 {execution_id} and runs packs.install, with progress in its output', async () => {
    const r = await api('/api/v1/packs/install', {
      packs: [join(work, 'src', 'deppack')],
      force: false,
      skip_dependencies: true,
    });
    expect(r.status).toBe(202);
    expect(Object.keys(r.json)).toEqual(['execution_id']);
    const e = await finished(String(r.json.execution_id));
    expect(e).toMatchObject({ status: 'succeeded', action: { ref: 'packs.install' } });
    expect(e.result).toMatchObject({ packs: { deppack: { version: '2.0.0' } } });
    const out = await fetch(`${url}/api/v1/executions/${String(r.json.execution_id)}/output`, {
      headers: {
        'st2-api-key': (parseYaml(await readFile(join(dataDir, 'credentials'), 'utf8')) as { api_key: string }).api_key,
      },
    });
    expect(await out.text()).toContain('Registering deppack');

    const u = await api('/api/v1/packs/uninstall', { packs: ['deppack'] });
    expect(u.status).toBe(202);
    expect(await finished(String(u.json.execution_id))).toMatchObject({
      status: 'succeeded',
      action: { ref: 'packs.uninstall' },
    });
    const bad = await api('/api/v1/packs/uninstall', { packs: ['deppack'] });
    expect(await finished(String(bad.json.execution_id))).toMatchObject({
      status: 'failed',
      result: { error: 'pack "deppack" is not installed' },
    });
  });
});
