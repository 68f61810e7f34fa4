import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startServer } from '../../../app/start-server.js';
import { validatePack } from '../../../cli/pack-validate.js';
import { silentLogger } from '../../../engine/logger.js';
import { formatProblem } from '../../../engine/packs/pack-types.js';

// A pack laid out like StackStorm Exchange packs (written for these tests): actions of many runners,
// a workflow, a Python sensor, a rule, aliases with a regex format, a policy, a config schema
// and a README. Every file is accepted or reported with a specific reason.
const PACK = fileURLToPath(new URL('../../fixtures/exchange-packs/contrib_like', import.meta.url));
let server: { url: string | undefined; close(): Promise<void> };
let dataDir: string;
let key: string;

async function api(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'st2-api-key': key, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return res.json();
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'squall-contrib-like-'));
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    logger: silentLogger,
    config: { packs: { paths: [PACK] } },
  });
  key = (parseYaml(await readFile(join(dataDir, 'credentials'), 'utf8')) as { api_key: string }).api_key;
}, 60_000);

afterAll(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('a contrib-like pack', () => {
  it('validates with exactly the problems it has, each naming file, field and reason', async () => {
    expect((await validatePack(PACK)).map(formatProblem)).toEqual([
      'contrib_like/actions/bad_param.yaml: parameters.count.type: must be one of string, integer, number, boolean, array, object',
      'contrib_like/actions/windows_reboot.yaml: runner_type: warning: runner winrm-ps-cmd is not supported',
    ]);
  });

  it('registers everything else: actions of each runner, the sensor and its trigger, rule, alias, policy', async () => {
    const r = (await api('POST', '/api/v1/packs/register', { packs: ['contrib_like'] })) as Record<string, unknown>;
    expect(r).toMatchObject({ actions: 7, aliases: 1, rules: 1, sensors: 1, triggers: 1 });
    const actions = (await api('GET', '/api/v1/actions?pack=contrib_like')) as { name: string; runner_type: string }[];
    expect(Object.fromEntries(actions.map((a) => [a.name, a.runner_type]))).toEqual({
      call_api: 'http-request',
      deploy: 'orquesta',
      get_status: 'python-script',
      notify: 'announcement',
      remote_check: 'remote-shell-script',
      restart: 'local-shell-cmd',
      windows_reboot: 'winrm-ps-cmd',
    });
    const rule = (await api('GET', '/api/v1/rules/contrib_like.on_alert')) as { enabled: boolean };
    expect(rule.enabled).toBe(true);
    const pack = (await api('GET', '/api/v1/packs/contrib_like')) as { description: string; version: string };
    expect(pack).toMatchObject({
      version: '1.3.0',
      description:
        'A pack laid out like StackStorm Exchange packs, with a description folded over lines as PyYAML allows',
    });
  });

  it("its alias's regex format matches the commands it is written for", async () => {
    const plain = (await api('POST', '/api/v1/actionalias/match', { command: 'status' })) as Record<string, unknown>;
    expect(JSON.stringify(plain)).toContain('contrib_like.status');
    const verbose = (await api('POST', '/api/v1/actionalias/match', { command: 'status verbose true' })) as Record<
      string,
      unknown
    >;
    expect(JSON.stringify(verbose)).toContain('contrib_like.status');
  });
});
