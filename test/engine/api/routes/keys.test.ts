import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../../app/start-server.js';
import { readCredentials } from '../../../../engine/auth/credentials.js';
import { silentLogger } from '../../../../engine/logger.js';

type Json = Record<string, unknown>;

describe('/api/v1/keys (the datastore)', () => {
  let dir: string;
  let server: RunningServer;
  const keys: Record<string, string> = {};

  async function call(who: string, method: string, path: string, body?: unknown) {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        'St2-Api-Key': keys[who] ?? '',
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json & Json[], headers: res.headers };
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'squall-keys-'));
    server = await startServer({
      dataDir: dir,
      config: { api: { host: '127.0.0.1', port: 0 }, chat: { shell: false }, log: { level: 'silent' } },
      logger: silentLogger,
    });
    keys.admin = (await readCredentials(dir))?.api_key ?? '';
    for (const [name, role] of [
      ['op', 'operator'],
      ['alice', 'viewer'],
      ['bob', 'viewer'],
    ] as const) {
      await server.core.auth.createUser(name, `${name}-password-1`, [role]);
      keys[name] = (await server.core.auth.createApiKey(name)).key;
    }
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the key file 0600 on first start', async () => {
    const s = await stat(join(dir, 'datastore.key'));
    expect(s.mode & 0o777).toBe(0o600);
  });

  it('sets, gets, lists by prefix and deletes system items in StackStorm shape', async () => {
    const put = await call('op', 'PUT', '/api/v1/keys/app.region', { name: 'app.region', value: 'eu-west-1' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      name: 'app.region',
      value: 'eu-west-1',
      scope: 'st2kv.system',
      secret: false,
      encrypted: false,
      uid: 'key_value_pair:st2kv.system:app.region',
    });
    await call('op', 'PUT', '/api/v1/keys/app.size', { value: '3' });
    await call('op', 'PUT', '/api/v1/keys/other', { value: 'x' });
    const got = await call('alice', 'GET', '/api/v1/keys/app.region');
    expect(got.body).toMatchObject({ name: 'app.region', value: 'eu-west-1', id: put.body.id });
    const listed = await call('alice', 'GET', '/api/v1/keys?prefix=app.');
    expect(listed.body.map((k) => k.name)).toEqual(['app.region', 'app.size']);
    expect(listed.headers.get('x-total-count')).toBe('2');
    expect((await call('op', 'DELETE', '/api/v1/keys/app.size')).status).toBe(204);
    const gone = await call('op', 'GET', '/api/v1/keys/app.size');
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ code: 'SQ_NOT_FOUND' });
    expect(gone.body.faultstring).toContain('app.size');
    expect((await call('op', 'DELETE', '/api/v1/keys/app.size')).status).toBe(404);
  });

  it('lets viewers read system items but not write them', async () => {
    const r = await call('alice', 'PUT', '/api/v1/keys/viewer-try', { value: 'no' });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('SQ_FORBIDDEN');
    expect((await call('alice', 'GET', '/api/v1/keys/viewer-try')).status).toBe(404);
    await call('op', 'PUT', '/api/v1/keys/doomed', { value: '1' });
    expect((await call('alice', 'DELETE', '/api/v1/keys/doomed')).status).toBe(403);
  });

  it('keeps each user scope private to its owner; admins reach it with ?user=', async () => {
    expect((await call('alice', 'PUT', '/api/v1/keys/token', { value: 'alice-1', scope: 'st2kv.user' })).status).toBe(
      200,
    );
    await call('bob', 'PUT', '/api/v1/keys/token', { value: 'bob-1', scope: 'user' });
    const mine = await call('alice', 'GET', '/api/v1/keys/token?scope=st2kv.user');
    expect(mine.body).toMatchObject({ value: 'alice-1', user: 'alice', scope: 'st2kv.user' });
    expect((await call('bob', 'GET', '/api/v1/keys/token?scope=user')).body.value).toBe('bob-1');
    expect((await call('bob', 'GET', '/api/v1/keys/token?scope=user&user=alice')).status).toBe(403);
    expect((await call('bob', 'GET', '/api/v1/keys?scope=user&user=alice')).status).toBe(403);
    expect((await call('bob', 'DELETE', '/api/v1/keys/token?scope=user&user=alice')).status).toBe(403);
    expect((await call('admin', 'GET', '/api/v1/keys/token?scope=user&user=alice')).body.value).toBe('alice-1');

    const aliceList = await call('alice', 'GET', '/api/v1/keys?scope=user');
    expect(aliceList.body.map((k) => [k.name, k.user])).toEqual([['token', 'alice']]);
    const aliceAll = await call('alice', 'GET', '/api/v1/keys?scope=all');
    expect(aliceAll.body.filter((k) => k.scope === 'st2kv.user').map((k) => k.user)).toEqual(['alice']);
    const adminAll = await call('admin', 'GET', '/api/v1/keys?scope=all');
    expect(
      adminAll.body
        .filter((k) => k.scope === 'st2kv.user')
        .map((k) => k.user)
        .sort(),
    ).toEqual(['alice', 'bob']);
    // No scope means st2kv.system, as in StackStorm.
    expect((await call('alice', 'GET', '/api/v1/keys')).body.every((k) => k.scope === 'st2kv.system')).toBe(true);
  });

  it('encrypts secrets and shows them in clear only to admins or the owner with ?decrypt=true', async () => {
    const put = await call('op', 'PUT', '/api/v1/keys/db_password', { value: 'hunter2-plain', secret: true });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ secret: true, encrypted: true });
    expect(put.body.value).not.toContain('hunter2-plain');
    const viewer = await call('alice', 'GET', '/api/v1/keys/db_password');
    expect(viewer.body.value).toBe(put.body.value);
    expect((await call('alice', 'GET', '/api/v1/keys/db_password?decrypt=true')).status).toBe(403);
    expect((await call('op', 'GET', '/api/v1/keys?decrypt=true')).status).toBe(403);
    const admin = await call('admin', 'GET', '/api/v1/keys/db_password?decrypt=true');
    expect(admin.body).toMatchObject({ value: 'hunter2-plain', encrypted: false, secret: true });

    await call('alice', 'PUT', '/api/v1/keys/own_secret', { value: 'alice-pw', secret: true, scope: 'user' });
    const own = await call('alice', 'GET', '/api/v1/keys/own_secret?scope=user&decrypt=true');
    expect(own.body.value).toBe('alice-pw');
    const ownList = await call('alice', 'GET', '/api/v1/keys?scope=user&decrypt=true');
    expect(ownList.body.find((k) => k.name === 'own_secret')?.value).toBe('alice-pw');
  });

  it('loads an exported (pre-encrypted) value for admins only, and refuses a value that is not ours', async () => {
    const exported = (await call('admin', 'GET', '/api/v1/keys/db_password')).body;
    expect(
      (await call('op', 'PUT', '/api/v1/keys/db_password', { value: exported.value, encrypted: true })).status,
    ).toBe(403);
    const again = await call('admin', 'PUT', '/api/v1/keys/db_password', { value: exported.value, encrypted: true });
    expect(again.status).toBe(200);
    expect((await call('admin', 'GET', '/api/v1/keys/db_password?decrypt=true')).body.value).toBe('hunter2-plain');
    // The ciphertext is bound to its item: copied to another name it is refused.
    const moved = await call('admin', 'PUT', '/api/v1/keys/elsewhere', { value: exported.value, encrypted: true });
    expect(moved.status).toBe(400);
    expect(moved.body.faultstring).toContain('does not decrypt');
    const junk = await call('admin', 'PUT', '/api/v1/keys/junk', { value: 'plain', encrypted: true });
    expect(junk.status).toBe(400);
  });

  it('dispatches key_value_pair create, update, value_change and delete triggers, secrets masked', async () => {
    const of = async (trigger: string) =>
      (await server.core.store.triggerInstances.list({ trigger, order: 'asc' })).items
        .map((t) => t.payload as Json)
        .filter((p) => JSON.stringify(p).includes('watched'));
    await call('op', 'PUT', '/api/v1/keys/watched', { value: 'one' });
    await call('op', 'PUT', '/api/v1/keys/watched', { value: 'one' });
    await call('op', 'PUT', '/api/v1/keys/watched', { value: 'two' });
    await call('op', 'PUT', '/api/v1/keys/watched.secret', { value: 'masked-pw-1', secret: true });
    await call('op', 'PUT', '/api/v1/keys/watched.secret', { value: 'masked-pw-1', secret: true });
    await call('op', 'PUT', '/api/v1/keys/watched.secret', { value: 'masked-pw-2', secret: true });
    await call('op', 'DELETE', '/api/v1/keys/watched');
    const created = await of('core.st2.key_value_pair.create');
    expect(created.map((p) => (p.object as Json).name)).toEqual(['watched', 'watched.secret']);
    expect(created[0]?.object).toMatchObject({ name: 'watched', value: 'one', scope: 'st2kv.system', secret: false });
    expect(created[1]?.object).toMatchObject({ value: '********', secret: true });
    expect((await of('core.st2.key_value_pair.update')).length).toBe(4);
    const changes = await of('core.st2.key_value_pair.value_change');
    // Writing the same value again is no change, for secrets too (compared in clear).
    expect(changes.map((p) => [(p.old_object as Json).value, (p.new_object as Json).value])).toEqual([
      ['one', 'two'],
      ['********', '********'],
    ]);
    const deleted = await of('core.st2.key_value_pair.delete');
    expect(deleted.map((p) => (p.object as Json).value)).toEqual(['two']);
    const all = JSON.stringify((await server.core.store.triggerInstances.list({ limit: 1000 })).items);
    expect(all).not.toContain('masked-pw');
  });

  it('expires items after their ttl', async () => {
    const put = await call('op', 'PUT', '/api/v1/keys/short', { value: 'soon gone', ttl: 1 });
    expect(put.body.expire_timestamp).toBeDefined();
    expect(Date.parse(String(put.body.expire_timestamp)) - Date.parse(String(put.body.updated_at))).toBe(1000);
    expect((await call('op', 'GET', '/api/v1/keys/short')).status).toBe(200);
    await expect.poll(async () => (await call('op', 'GET', '/api/v1/keys/short')).status, { timeout: 5000 }).toBe(404);
    expect((await call('op', 'GET', '/api/v1/keys?prefix=short')).body).toEqual([]);
  });

  it('answers bad bodies and scopes with 400 naming the problem', async () => {
    const noValue = await call('op', 'PUT', '/api/v1/keys/x', { name: 'x' });
    expect(noValue.status).toBe(400);
    expect(noValue.body.faultstring).toContain('value');
    const number = await call('op', 'PUT', '/api/v1/keys/x', { value: 5 });
    expect(number.status).toBe(400);
    const badTtl = await call('op', 'PUT', '/api/v1/keys/x', { value: 'v', ttl: -1 });
    expect(badTtl.status).toBe(400);
    expect(badTtl.body.faultstring).toContain('ttl');
    const badScope = await call('op', 'GET', '/api/v1/keys?scope=galaxy');
    expect(badScope.status).toBe(400);
    expect(badScope.body.faultstring).toContain('scope');
  });

  it('needs credentials', async () => {
    const r = await fetch(`${server.url}/api/v1/keys`);
    expect(r.status).toBe(401);
  });
});
