import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { silentLogger } from '../../../engine/logger.js';
import { type CliRun, runCli } from '../run-cli.js';

let server: RunningServer;
let dataDir: string;

function squall(args: string[]): Promise<CliRun> {
  return runCli(args, { env: { SQUALL_HOME: dataDir, SQUALL_API_URL: server.url ?? '' } });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'squall-cli-policy-'));
  const pack = join(dataDir, 'packs', 'ops');
  await mkdir(join(pack, 'policies'), { recursive: true });
  await writeFile(join(pack, 'pack.yaml'), 'ref: ops\nname: ops\nversion: 1.0.0\ndescription: ops\n');
  await writeFile(
    join(pack, 'policies', 'one.yaml'),
    'name: one_deploy\nresource_ref: ops.deploy\npolicy_type: action.concurrency\nparameters: {threshold: 1}\n',
  );
  server = await startServer({
    dataDir,
    config: {
      api: { host: '127.0.0.1', port: 0 },
      chat: { shell: false },
      log: { level: 'silent' },
      packs: { paths: [join(dataDir, 'packs')] },
    },
    logger: silentLogger,
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('squall policy, squall policy-type', () => {
  it('lists, shows, disables and enables policies, and lists the types', async () => {
    const list = await squall(['policy', 'list', '--action', 'ops.deploy']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/ops\.one_deploy\s*│\s*ops\.deploy\s*│\s*action\.concurrency\s*│\s*true/);
    const get = await squall(['policy', 'get', 'ops.one_deploy', '--json']);
    expect(JSON.parse(get.stdout)).toMatchObject({ parameters: { threshold: 1, action: 'delay' } });
    const off = await squall(['policy', 'disable', 'ops.one_deploy']);
    expect(off.stdout).toContain('ops.one_deploy disabled.');
    expect((await server.core.store.policies.get('ops.one_deploy'))?.enabled).toBe(false);
    expect((await squall(['policy', 'enable', 'ops.one_deploy'])).stdout).toContain('enabled.');
    const missing = await squall(['policy', 'get', 'ops.nope']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('Policy "ops.nope" does not exist.');
    const types = await squall(['policy-type', 'list']);
    expect(types.code).toBe(0);
    expect(types.stdout).toMatch(/action\.retry\s*│\s*retry_on, max_retry_count, delay/);
  }, 60_000);
});
