import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../app/start-server.js';
import { silentLogger } from '../../engine/logger.js';
import { type CliRun, runCli } from './run-cli.js';

// The real CLI (a child process) against a real server on a random port, with the admin
// credentials the server writes on first start into the data dir the CLI reads them from.
let server: { url: string | undefined; close(): Promise<void> };
let dataDir: string;
let url: string;

function squall(args: string[], opts: { env?: Record<string, string>; input?: string } = {}): Promise<CliRun> {
  return runCli(args, { ...opts, env: { SQUALL_HOME: dataDir, SQUALL_API_URL: url, ...opts.env } });
}

async function json<T>(args: string[]): Promise<T> {
  const r = await squall([...args, '--json']);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as T;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'squall-cli-server-'));
  server = await startServer({ host: '127.0.0.1', port: 0, dataDir, logger: silentLogger });
  url = server.url ?? '';
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe('squall run', () => {
  it('prints the command output and a succeeded status line, exit 0', async () => {
    const r = await squall(['run', 'core.local', 'cmd=echo hello from squall']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('hello from squall\n');
    expect(r.stderr).toMatch(/✔ succeeded core\.local [0-9a-f]{24} in .+\(exit code 0\)/);
  });

  it('shows output streamed live once, not again with the result', async () => {
    const r = await squall(['run', 'core.local', 'cmd=echo one; sleep 0.5; echo two; echo oops >&2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('one\ntwo\n');
    expect(r.stderr.match(/oops/g)).toHaveLength(1);
  });

  it('exits 1 and shows the exit code when the command fails', async () => {
    const r = await squall(['run', 'core.local', 'cmd=echo bad >&2; exit 3']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bad');
    expect(r.stderr).toMatch(/✖ failed core\.local .*\(exit code 3\)/);
  });

  it('casts key=value strings to the parameter types (timeout is an integer)', async () => {
    const r = await squall(['run', 'core.local', 'cmd=echo typed', 'timeout=30']);
    expect(r.stderr).not.toContain('squall:');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('typed\n');
  });

  it('--json prints the execution', async () => {
    const r = await squall(['run', 'core.local', 'cmd=echo as json', '--json']);
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout) as { id: string; status: string; result: { stdout: string } };
    expect(e.status).toBe('succeeded');
    expect(e.result.stdout).toContain('as json');
  });

  it('--async prints only the id and exits 0', async () => {
    const r = await squall(['run', 'core.local', 'cmd=echo later', '--async']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^[0-9a-f]{24}$/);
  });

  it('exits 1 with the server message for an unknown action', async () => {
    const r = await squall(['run', 'nope.nothing', 'a=b']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^squall: .*nope\.nothing/);
  });

  it('exits 1 with the server message for a missing required parameter', async () => {
    const r = await squall(['run', 'core.local']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^squall: .*cmd/);
  });
});

describe('squall execution', () => {
  it('lists, gets, tails and re-runs executions', async () => {
    const id = (await squall(['run', 'core.local', 'cmd=echo listed', '--async'])).stdout.trim();
    await expect
      .poll(async () => (await json<{ status: string }>(['execution', 'get', id])).status, { timeout: 15_000 })
      .toBe('succeeded');

    const list = await json<{ id: string }[]>(['execution', 'list', '--action', 'core.local', '--limit', '100']);
    expect(list.map((e) => e.id)).toContain(id);
    const table = await squall(['execution', 'list', '--limit', '5']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/id.*action.*status/);

    const get = await squall(['execution', 'get', id]);
    expect(get.code).toBe(0);
    expect(get.stdout).toContain(id);
    expect(get.stdout).toContain('listed');
    expect(get.stdout).toContain('succeeded');

    const tail = await squall(['execution', 'tail', id]);
    expect(tail.code).toBe(0);
    expect(tail.stdout).toBe('listed\n');

    const rerun = await squall(['execution', 're-run', id, 'cmd=echo again']);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toBe('again\n');
  });

  it('follows a running execution with tail until it ends', async () => {
    const id = (await squall(['run', 'core.local', 'cmd=sleep 1; echo finally', '--async'])).stdout.trim();
    const tail = await squall(['execution', 'tail', id]);
    expect(tail.code).toBe(0);
    expect(tail.stdout).toBe('finally\n');
    expect(tail.stderr).toContain('succeeded');
  });

  it('cancels a running execution', async () => {
    const id = (await squall(['run', 'core.local', 'cmd=sleep 30', '--async'])).stdout.trim();
    await expect
      .poll(async () => (await json<{ status: string }>(['execution', 'get', id])).status, { timeout: 15_000 })
      .toBe('running');
    const r = await squall(['execution', 'cancel', id]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/cancel/);
    await expect
      .poll(async () => (await json<{ status: string }>(['execution', 'get', id])).status, { timeout: 15_000 })
      .toBe('canceled');
  });

  it('exits 1 with the server message for an unknown execution', async () => {
    const r = await squall(['execution', 'get', '000000000000000000000000']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('000000000000000000000000');
  });
});

describe('squall action and pack', () => {
  it('lists actions of a pack and shows parameters of one', async () => {
    const list = await squall(['action', 'list', '--pack', 'core']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('core.local');

    const get = await squall(['action', 'get', 'core.local']);
    expect(get.code).toBe(0);
    expect(get.stdout).toMatch(/name.*type.*required.*default.*description/);
    expect(get.stdout).toMatch(/cmd\s*│\s*string\s*│\s*yes/);
    expect(get.stdout).toMatch(/timeout\s*│\s*integer\s*│\s*no\s*│\s*60/);
  });

  it('exits 1 for an unknown action', async () => {
    const r = await squall(['action', 'get', 'nope.nothing']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^squall: .*nope\.nothing/);
  });

  it('lists and registers packs', async () => {
    const list = await squall(['pack', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('core');
    const reg = await squall(['pack', 'register', 'core']);
    expect(reg.code).toBe(0);
    expect(reg.stdout).toContain('Registered core');
    expect(reg.stdout).toMatch(/actions\s*│\s*\d+/);
  });
});

describe('squall apikey, user and login', () => {
  it('creates a key that works, lists it, and deletes it so that it stops working', async () => {
    const created = await squall(['apikey', 'create', '-m', 'purpose=cli-test', '--json']);
    expect(created.code).toBe(0);
    const { id, key } = JSON.parse(created.stdout) as { id: string; key: string };
    expect(key).toBeTruthy();

    const withKey = await runCli(['action', 'list', '--api-url', url, '--api-key', key]);
    expect(withKey.code).toBe(0);

    const list = await squall(['apikey', 'list']);
    expect(list.stdout).toContain(id);
    expect(list.stdout).toContain('cli-test');
    expect(list.stdout).not.toContain(key);

    expect((await squall(['apikey', 'delete', id])).code).toBe(0);
    const refused = await runCli(['action', 'list', '--api-url', url, '--api-key', key]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^squall: .*\(credentials from --api-key\)/);
  });

  it('prints a new key once on stdout, the note on stderr', async () => {
    const r = await squall(['apikey', 'create']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).not.toContain(' ');
    expect(r.stderr).toContain('not shown again');
  });

  it('creates a user who can log in; the saved token (0600) is used afterwards', async () => {
    const name = `bob${Date.now()}`;
    const created = await squall(['user', 'create', name, '--role', 'operator', '--password-stdin'], {
      input: 's3cret-pw\n',
    });
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(`Created user ${name} with role operator`);

    const home = await mkdtemp(join(tmpdir(), 'squall-login-'));
    const env = { SQUALL_HOME: home, SQUALL_API_URL: url };
    const before = await runCli(['action', 'list'], { env });
    expect(before.code).toBe(1);
    expect(before.stderr).toContain('squall login');

    const login = await runCli(['login', '--username', name, '--password-stdin'], { env, input: 's3cret-pw\n' });
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(login.stdout).toContain(`as ${name}`);
    expect((await stat(join(home, 'cli-token'))).mode & 0o777).toBe(0o600);

    const after = await runCli(['action', 'list'], { env });
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('core.local');
  });

  it('refuses a wrong password with the server message', async () => {
    const r = await runCli(['login', '--username', 'admin', '--password-stdin'], {
      env: { SQUALL_API_URL: url },
      input: 'wrong\n',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^squall: .*nvalid/);
  });

  it('rejects a role that does not exist (usage error)', async () => {
    const r = await squall(['user', 'create', 'carol', '--role', 'wizard']);
    expect(r.code).toBe(2);
  });
});

describe('squall alias match', () => {
  it('names the alias and prints the parameters', async () => {
    const r = await squall(['alias', 'match', 'run uptime']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('chatops.run');
    expect(JSON.parse(r.stdout)).toMatchObject({ alias: 'chatops.run', parameters: { cmd: 'uptime' } });
  });

  it('exits 1 with the server message when nothing matches', async () => {
    const r = await squall(['alias', 'match', 'zzz completely unknown']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^squall: /);
  });
});
