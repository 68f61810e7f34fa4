import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { silentLogger } from '../../../engine/logger.js';
import { type CliRun, runCli } from '../run-cli.js';

// The real CLI (a child process) against a real server, as the admin the server created.
let server: RunningServer;
let dataDir: string;

function squall(args: string[], input?: string): Promise<CliRun> {
  return runCli(args, {
    env: { SQUALL_HOME: dataDir, SQUALL_API_URL: server.url ?? '' },
    ...(input !== undefined ? { input } : {}),
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'squall-cli-key-'));
  server = await startServer({ host: '127.0.0.1', port: 0, dataDir, logger: silentLogger });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('squall key', () => {
  it('sets, gets and lists plain items, and sets user-scoped items with a ttl', async () => {
    const set = await squall(['key', 'set', 'app.region', 'eu-west-1']);
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/value\s*│\s*eu-west-1/);
    const user = await squall(['key', 'set', 'app.mine', 'v1', '--scope', 'user', '--ttl', '600', '--json']);
    expect(user.code).toBe(0);
    const item = JSON.parse(user.stdout) as { scope: string; user: string; expire_timestamp: string };
    expect(item).toMatchObject({ scope: 'st2kv.user', user: 'admin' });
    expect(Date.parse(item.expire_timestamp)).toBeGreaterThan(Date.now() + 500_000);
    const list = await squall(['key', 'list', '--prefix', 'app.', '--scope', 'all']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('app.region');
    expect(list.stdout).toContain('app.mine');
  });

  it('encrypts with --encrypt and shows the plain text only with --decrypt', async () => {
    expect((await squall(['key', 'set', 'db_password', 'pw-plain-9', '--encrypt'])).code).toBe(0);
    const hidden = await squall(['key', 'get', 'db_password']);
    expect(hidden.code).toBe(0);
    expect(hidden.stdout).not.toContain('pw-plain-9');
    expect(hidden.stdout).toMatch(/encrypted\s*│\s*true/);
    const shown = await squall(['key', 'get', 'db_password', '--decrypt']);
    expect(shown.stdout).toMatch(/value\s*│\s*pw-plain-9/);
    // From stdin, so the secret is in no argv (ps) and no shell history.
    expect((await squall(['key', 'set', 'piped', '--encrypt'], 'from-stdin-pw\n')).code).toBe(0);
    expect((await squall(['key', 'get', 'piped', '--decrypt'])).stdout).toMatch(/value\s*│\s*from-stdin-pw\s/);
  });

  it('loads a JSON list and a YAML list, an export round trip included, and deletes', async () => {
    const exported = await squall(['key', 'list', '--json']);
    await writeFile(join(dataDir, 'backup.json'), exported.stdout);
    await writeFile(
      join(dataDir, 'more.yaml'),
      '- name: loaded.a\n  value: one\n- name: loaded.b\n  value: {"n": 2}\n- name: loaded.s\n  value: pw2\n  secret: true\n',
    );
    const yaml = await squall(['key', 'load', join(dataDir, 'more.yaml')]);
    expect(yaml.stderr).toBe('');
    expect(yaml.stdout).toContain('Loaded 3 datastore items');
    expect((await server.core.kv.get({ scope: 'st2kv.system', name: 'loaded.b' }))?.value).toBe('{"n":2}');
    expect((await server.core.kv.get({ scope: 'st2kv.system', name: 'loaded.s' }))?.secret).toBe(true);

    expect((await squall(['key', 'delete', 'db_password'])).code).toBe(0);
    const json = await squall(['key', 'load', join(dataDir, 'backup.json')]);
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    expect((await squall(['key', 'get', 'db_password', '--decrypt'])).stdout).toMatch(/value\s*│\s*pw-plain-9/);

    const del = await squall(['key', 'delete', 'app.region']);
    expect(del.stdout).toContain('Deleted datastore item "app.region"');
    const missing = await squall(['key', 'get', 'app.region']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('app.region');
  });

  it('refuses a load file that is not a list of items, writing nothing', async () => {
    await writeFile(join(dataDir, 'bad.yaml'), '- name: fine\n  value: x\n- value: no-name\n');
    const r = await squall(['key', 'load', join(dataDir, 'bad.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('item 2 has no name');
    expect(await server.core.kv.get({ scope: 'st2kv.system', name: 'fine' })).toBeUndefined();
  });
});
