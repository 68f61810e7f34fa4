import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { tempDir } from '../../../bench/bench-util.js';
import { readCredentials } from '../../../engine/auth/credentials.js';
import { silentLogger } from '../../../engine/logger.js';

// Issue 9, defect 10: POST /api/v1/packs/register {"packs": ["core"]} deleted the actions and aliases
// created through the API in that pack. A real server over HTTP.

type Json = Record<string, unknown>;

describe('re-registering a pack keeps what the API created in it', () => {
  const dir = tempDir('squall-register-api-');
  let s: RunningServer;
  let key = '';

  async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${s.url}${path}`, {
      method,
      headers: { 'St2-Api-Key': key, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Json };
  }

  beforeAll(async () => {
    s = await startServer({
      dataDir: dir.path,
      config: { api: { port: 0 }, log: { level: 'silent' }, chat: { shell: false } },
      logger: silentLogger,
    });
    key = (await readCredentials(dir.path))?.api_key ?? '';
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    dir.remove();
  });

  it('keeps API-made actions and aliases in core and chatops, and the alias still matches', async () => {
    const action = await api('POST', '/api/v1/actions', {
      pack: 'core',
      name: 'disk_check',
      runner_type: 'local-shell-cmd',
      parameters: { cmd: { type: 'string', default: 'df -h' } },
      // A client cannot make its action look file-owned (and so prunable) by naming a file.
      metadata_file: 'actions/disk_check.yaml',
    });
    expect(action.status).toBe(201);
    expect(action.body.metadata_file).toBeUndefined();
    const alias = await api('POST', '/api/v1/actionalias', {
      pack: 'chatops',
      name: 'disk',
      action_ref: 'core.disk_check',
      formats: ['disk check'],
    });
    expect(alias.status).toBe(201);

    const reg = await api('POST', '/api/v1/packs/register', { packs: ['core', 'chatops'] });
    expect(reg.status).toBe(200);
    expect((await api('GET', '/api/v1/actions/core.disk_check')).status).toBe(200);
    expect((await api('GET', '/api/v1/actionalias/chatops.disk')).status).toBe(200);
    expect((await api('GET', '/api/v1/actions/core.local')).status).toBe(200);
    const m = await api('POST', '/api/v1/actionalias/match', { command: 'disk check' });
    expect(m.status).toBe(200);
    expect(JSON.stringify(m.body)).toContain('chatops.disk');
  });

  it('still lets the files win for a ref they define (an API change to core.local is replaced)', async () => {
    const before = await api('GET', '/api/v1/actions/core.local');
    const changed = await api('PUT', '/api/v1/actions/core.local', { ...before.body, description: 'changed by api' });
    expect(changed.status).toBe(200);
    await api('POST', '/api/v1/packs/register', { packs: ['core'] });
    expect((await api('GET', '/api/v1/actions/core.local')).body.description).toBe(before.body.description);
  });
});
