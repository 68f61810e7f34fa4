import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { ActionPolicy } from '../../../engine/auth/action-policy.js';
import { rolesCan } from '../../../engine/auth/permissions.js';
import { silentLogger } from '../../../engine/logger.js';

const RULE = { name: 'granted', pack: 'ops', trigger: { type: 'ops.thing' }, action: { ref: 'core.noop' } };

describe('permission grants (auth.roles.<role>.grant)', () => {
  let dir: string;
  let server: RunningServer;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'squall-grants-'));
    server = await startServer({
      dataDir: dir,
      config: {
        api: { host: '127.0.0.1', port: 0 },
        chat: { shell: false },
        log: { level: 'silent' },
        auth: { roles: { operator: { grant: ['rule:write'] } } },
      },
      logger: silentLogger,
    });
    for (const role of ['operator', 'viewer'] as const) {
      await server.core.auth.createUser(role, 'password-123', [role]);
      keys[role] = (await server.core.auth.createApiKey(role)).key;
    }
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const post = (role: string, body: object) =>
    fetch(`${server.url}/api/v1/rules`, {
      method: 'POST',
      headers: { 'St2-Api-Key': keys[role] ?? '', 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('lets operators write rules when granted rule:write, and still not viewers', async () => {
    expect((await post('operator', RULE)).status).toBe(201);
    const viewer = await post('viewer', { ...RULE, name: 'by_viewer' });
    expect(viewer.status).toBe(403);
    expect(await server.core.store.rules.get('ops.by_viewer')).toBeUndefined();
    // A grant adds only what it names.
    const reEmit = await fetch(`${server.url}/api/v1/triggerinstances/0123456789abcdef01234567/re_emit`, {
      method: 'POST',
      headers: { 'St2-Api-Key': keys.operator ?? '' },
    });
    expect(reEmit.status).toBe(403);
  });

  it('counts a granted execution:run in the action policy too', () => {
    const p = new ActionPolicy({}, { viewer: ['execution:run'] });
    expect(p.refusal({ user: 'vic', roles: ['viewer'] }, 'core.noop')).toBeUndefined();
    expect(new ActionPolicy().refusal({ user: 'vic', roles: ['viewer'] }, 'core.noop')).toMatch(/execution:run/);
  });

  it('is off by default', () => {
    expect(rolesCan(['operator'], 'rule:write')).toBe(false);
    expect(rolesCan(['operator'], 'rule:write', { operator: ['rule:write'] })).toBe(true);
    expect(rolesCan(['viewer'], 'rule:write', { operator: ['rule:write'] })).toBe(false);
  });

  it('refuses an unknown permission in squall.yaml', async () => {
    await expect(
      startServer({
        dataDir: dir,
        config: {
          api: { host: '127.0.0.1', port: 0 },
          auth: { roles: { operator: { grant: ['rules:everything' as 'rule:write'] } } },
        },
        logger: silentLogger,
      }),
    ).rejects.toThrow(/grant/);
  });
});
