import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startServer } from '../../../app/start-server.js';
import { silentLogger } from '../../../engine/logger.js';

// The built-in packs' StackStorm actions run for real, through the API of a real server.
let server: { url: string | undefined; close(): Promise<void> };
let dataDir: string;
let url: string;
let key: string;

async function api(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'st2-api-key': key, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await res.json()) as Record<string, unknown>;
}

async function finished(id: string): Promise<Record<string, unknown>> {
  for (;;) {
    const got = await api('GET', `/api/v1/executions/${id}`);
    if (!['requested', 'scheduled', 'running'].includes(String(got.status))) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function run(action: string, parameters: Record<string, unknown>): Promise<Record<string, unknown>> {
  const e = await api('POST', '/api/v1/executions', { action, parameters });
  return finished(String(e.id));
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'squall-builtin-actions-'));
  const ann = join(dataDir, 'packs', 'annpack');
  await mkdir(join(ann, 'actions'), { recursive: true });
  await mkdir(join(ann, 'aliases'), { recursive: true });
  await writeFile(
    join(ann, 'config.schema.yaml'),
    'token: {type: string, secret: true}\nregion: {type: string, default: eu}\n',
  );
  await mkdir(join(dataDir, 'configs'), { recursive: true });
  await writeFile(join(dataDir, 'configs', 'annpack.yaml'), 'token: s3cret-value\n');
  await writeFile(
    join(ann, 'aliases', 'echo.yaml'),
    'name: echo\naction_ref: core.echo\nformats:\n  - "say {{message}}"\n',
  );
  await writeFile(join(ann, 'pack.yaml'), 'name: annpack\nversion: 1.0.0\ndescription: d\nauthor: a\n');
  await writeFile(
    join(ann, 'actions', 'say.yaml'),
    'name: say\nrunner_type: announcement\nparameters:\n  message: {type: string, required: true}\n  channel: {type: string, required: true}\n  experimental: {type: boolean, default: true, immutable: true}\n  route: {type: string, default: chatops}\n',
  );
  const index = {
    metadata: {},
    packs: {
      cloudy: {
        name: 'cloudy',
        description: 'Cloud things',
        keywords: ['aws'],
        version: '2.0.0',
        repo_url: 'file:///x',
      },
      other: { name: 'other', description: 'Other things', version: '1.0.0', repo_url: 'file:///y' },
    },
  };
  await writeFile(join(dataDir, 'index.json'), JSON.stringify(index));
  const unloadme = join(dataDir, 'packs', 'unloadme');
  await mkdir(join(unloadme, 'actions'), { recursive: true });
  await writeFile(join(unloadme, 'pack.yaml'), 'name: unloadme\nversion: 1.0.0\ndescription: d\nauthor: a\n');
  await writeFile(join(unloadme, 'actions', 'x.yaml'), 'name: x\nrunner_type: noop\n');
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    logger: silentLogger,
    config: { packs: { index_url: join(dataDir, 'index.json') } },
  });
  url = server.url ?? '';
  key = (parseYaml(await readFile(join(dataDir, 'credentials'), 'utf8')) as { api_key: string }).api_key;
}, 60_000);

afterAll(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('core actions', () => {
  it('core.uuid returns a uuid4 by default and a uuid1 when asked', async () => {
    const four = await run('core.uuid', {});
    expect(four.status).toBe('succeeded');
    expect((four.result as { result: string }).result).toMatch(/^[0-9a-f-]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/);
    const one = await run('core.uuid', { uuid_type: 'uuid1' });
    expect((one.result as { result: string }).result).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-/);
  });

  it('core.error prints to stderr and succeeds', async () => {
    const e = await run('core.error', { message: 'oops $(id)' });
    expect(e.status).toBe('succeeded');
    expect(e.result).toMatchObject({ stderr: 'oops $(id)', stdout: '' });
  });

  it('core.sendmail hands a MIME message to sendmail -t, headers kept on one line', async () => {
    const out = join(dataDir, 'mail.txt');
    const fake = join(dataDir, 'fake-sendmail');
    await writeFile(fake, `#!/bin/sh\nprintf '%s\\n' "$*" > '${out}.args'\ncat > '${out}'\n`);
    await chmod(fake, 0o755);
    const e = await run('core.sendmail', {
      sendmail_binary: fake,
      from: 'bot@example.com',
      to: 'ops@example.com',
      subject: 'Deploy\nBcc: evil@example.com',
      body: '<b>done</b> $(id)',
    });
    expect(e.status).toBe('succeeded');
    const mail = await readFile(out, 'utf8');
    expect(mail).toContain('From: bot@example.com\nTo: ops@example.com\nSubject: Deploy Bcc: evil@example.com\n');
    expect(mail).toContain('Content-Type: text/html; charset=UTF-8\n\n<b>done</b> $(id)\n');
    expect(await readFile(`${out}.args`, 'utf8')).toBe('-t\n');
  });

  it('core.sendmail fails clearly with exit code 2 when there is no sendmail', async () => {
    const e = await run('core.sendmail', {
      sendmail_binary: '/nonexistent/sendmail',
      to: 'a@b',
      subject: 's',
      body: 'b',
    });
    expect(e.status).toBe('failed');
    expect(e.result).toMatchObject({ return_code: 2 });
    expect(String((e.result as { stderr: string }).stderr)).toContain('sendmail binary not found');
  });

  it('core.announcement publishes its parameters and succeeds; on the chatops route it posts to chat', async () => {
    const general = await run('core.announcement', { message: { text: 'hello' } });
    expect(general.status).toBe('succeeded');
    expect(general.result).toMatchObject({ output: { message: { text: 'hello' } }, message: { text: 'hello' } });
    // StackStorm's chatops.post_message is an announcement on the chatops route: so is this pack's action.
    const chat = await run('annpack.say', { message: 'deployed', channel: 'ops' });
    expect(chat.status).toBe('succeeded');
    expect(chat.result).toMatchObject({
      message: 'deployed',
      channel: 'ops',
      chat: { platform: 'cli', route: 'terminal', channel: 'ops' },
    });
  });

  it('core.inject_trigger dispatches a trigger instance with the execution token', async () => {
    const e = await run('core.inject_trigger', { trigger_name: 'core.st2.webhook', payload: { a: 1 } });
    expect(e.status).toBe('succeeded');
    const both = await run('core.inject_trigger', { trigger: 'x', trigger_name: 'y' });
    expect(both.status).toBe('failed');
    expect(JSON.stringify(both.result)).toContain('Give exactly one of');
  });

  it('chatops.format_execution_result formats an execution for chat', async () => {
    const done = await run('core.local', { cmd: 'echo formatted' });
    const f = await run('chatops.format_execution_result', { execution_id: String(done.id) });
    expect(f.status).toBe('succeeded');
    expect((f.result as { result: { enabled: boolean; message: string } }).result).toMatchObject({
      enabled: true,
      message: `core.local succeeded (${String(done.id)})\nformatted`,
    });
  });
});

describe('chatops alias actions', () => {
  it('chatops.match returns the matching alias and the parameters taken from the text', async () => {
    const e = await run('chatops.match', { text: 'say hello $(id)' });
    expect(e.status).toBe('succeeded');
    const result = (e.result as { result: Record<string, unknown> }).result;
    expect(result).toMatchObject({
      actionalias: { ref: 'annpack.echo', action_ref: 'core.echo' },
      parameters: { message: 'hello $(id)' },
    });
  });

  it('chatops.match fails naming the problem when no alias matches', async () => {
    const e = await run('chatops.match', { text: 'nothing like this' });
    expect(e.status).toBe('failed');
    expect(JSON.stringify(e.result)).toContain('chatops.match: the API refused');
  });

  it('chatops.match_and_execute runs the matching alias', async () => {
    const e = await run('chatops.match_and_execute', { text: 'say hi there', user: 'alice' });
    expect(e.status).toBe('succeeded');
    const results = (e.result as { result: { results: { execution: { id: string } }[] } }).result.results;
    expect(results).toHaveLength(1);
    const child = await finished(results[0]!.execution.id);
    expect(child).toMatchObject({ status: 'succeeded', result: { stdout: 'hi there' } });
  });
});

describe('packs actions', () => {
  it('packs.unload unregisters a pack and keeps its files; a built-in pack is refused', async () => {
    expect((await api('GET', '/api/v1/actions/unloadme.x')).ref).toBe('unloadme.x');
    const e = await run('packs.unload', { packs: ['unloadme'] });
    expect(e.status).toBe('succeeded');
    expect(e.result).toMatchObject({ packs: { unloadme: { actions: 1 } } });
    const res = await fetch(`${url}/api/v1/actions/unloadme.x`, { headers: { 'st2-api-key': key } });
    expect(res.status).toBe(404);
    expect(existsSync(join(dataDir, 'packs', 'unloadme', 'pack.yaml'))).toBe(true);
    const core = await run('packs.unload', { packs: ['core'] });
    expect(core.result).toMatchObject({ error: 'pack "core" is built into Squall and cannot be unloaded' });
  });

  it('packs.search finds index entries by keyword; packs.show shows one and names an unknown one', async () => {
    const found = await run('packs.search', { query: 'AWS' });
    expect(found.status).toBe('succeeded');
    expect(Object.keys((found.result as { packs: object }).packs)).toEqual(['cloudy']);
    const shown = await run('packs.show', { pack: 'other' });
    expect(shown.result).toMatchObject({ pack: { name: 'other', version: '1.0.0' } });
    const missing = await run('packs.show', { pack: 'nope' });
    expect(missing.status).toBe('failed');
    expect(missing.result).toMatchObject({ error: 'No record of the "nope" pack in the index.' });
  });

  it('packs.get shows an installed pack and fails naming an unknown one', async () => {
    const e = await run('packs.get', { pack: 'annpack' });
    expect(e.status).toBe('succeeded');
    expect((e.result as { result: Record<string, unknown> }).result).toMatchObject({
      name: 'annpack',
      version: '1.0.0',
    });
    const missing = await run('packs.get', { pack: 'nosuchpack' });
    expect(missing.status).toBe('failed');
    expect(JSON.stringify(missing.result)).toContain('packs.get: the API refused (HTTP 404)');
  });

  it('packs.get_config shows the config with secrets masked', async () => {
    const e = await run('packs.get_config', { pack: 'annpack' });
    expect(e.status).toBe('succeeded');
    expect(JSON.stringify(e.result)).not.toContain('s3cret-value');
    expect(JSON.stringify(e.result)).toContain('********');
  });

  it('packs.setup_virtualenv sets up the environment through the API and registers the pack', async () => {
    const e = await run('packs.setup_virtualenv', { packs: ['annpack'] });
    expect(e.status).toBe('succeeded');
    expect(JSON.stringify(e.result)).toContain('annpack');
  });
});

describe('linux actions', () => {
  it('linux.diag_loadavg runs linux.check_loadavg on the host first, and fails when it cannot reach it', async () => {
    const wf = await run('linux.diag_loadavg', { hostname: '127.0.0.1:1' });
    expect(wf.status).toBe('failed');
    const res = await fetch(`${url}/api/v1/executions?parent=${String(wf.id)}`, { headers: { 'st2-api-key': key } });
    const kids = (await res.json()) as {
      action: { ref: string };
      parameters: Record<string, unknown>;
      status: string;
    }[];
    expect(kids.map((k) => k.action.ref)).toEqual(['linux.check_loadavg']);
    expect(kids[0]).toMatchObject({ status: 'failed', parameters: { hosts: '127.0.0.1:1', period: 'all' } });
  });
});
