import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuthService } from '../../../engine/auth/auth-service.js';
import { createAuthService } from '../../../engine/auth/create-auth-service.js';
import { readCredentials } from '../../../engine/auth/credentials.js';
import { SquallError } from '../../../engine/errors.js';
import { silentLogger } from '../../../engine/logger.js';
import { createSqliteStore } from '../../../engine/store/sqlite/sqlite-store.js';
import type { Store } from '../../../engine/store/store.js';

async function rejection(p: Promise<unknown>): Promise<SquallError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SquallError);
  return e as SquallError;
}

describe('AuthService', () => {
  let dir: string;
  let store: Store;
  let auth: AuthService;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'squall-auth-'));
    store = await createSqliteStore({ kind: 'sqlite', path: join(dir, 'squall.db') }, { logger: silentLogger });
    await store.init();
    auth = createAuthService(store, { tokenTtlS: 3600, logger: silentLogger });
  });

  afterEach(async () => {
    vi.useRealTimers();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('passwords', () => {
    it('stores an scrypt hash, never the password, and verifies it', async () => {
      await auth.createUser('alice', 'correct horse', ['operator']);
      const stored = await store.users.get('alice');
      expect(stored?.password_hash).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[\w-]+\$[\w-]+$/);
      expect(stored?.password_hash).not.toContain('correct horse');
      expect((await auth.verifyPassword('alice', 'correct horse'))?.name).toBe('alice');
      expect(await auth.verifyPassword('alice', 'wrong horse!')).toBeUndefined();
      expect(await auth.verifyPassword('nobody', 'correct horse')).toBeUndefined();
    });

    it('rejects disabled users and users without a password', async () => {
      await auth.createUser('bob', 'password-1', ['viewer']);
      await store.users.update('bob', { enabled: false });
      expect(await auth.verifyPassword('bob', 'password-1')).toBeUndefined();
      await auth.createUser('bot', undefined, ['operator']);
      expect(await auth.verifyPassword('bot', '')).toBeUndefined();
    });

    it('refuses bad names, unknown roles, short passwords and duplicates', async () => {
      expect((await rejection(auth.createUser('bad name', 'password-1', ['viewer']))).code).toBe('SQ_VALIDATION');
      const role = await rejection(auth.createUser('carol', 'password-1', ['root' as 'admin']));
      expect(role.message).toContain('Unknown role "root"');
      expect((await rejection(auth.createUser('carol', 'short', ['viewer']))).message).toContain('at least 8');
      await auth.createUser('carol', 'password-1', ['viewer']);
      expect((await rejection(auth.createUser('carol', 'password-1', ['viewer']))).code).toBe('SQ_CONFLICT');
    });
  });

  describe('tokens', () => {
    it('issues a token that authenticates through the header or the query string', async () => {
      await auth.createUser('alice', 'password-1', ['operator']);
      const t = await auth.issueToken('alice');
      expect(t.user).toBe('alice');
      expect(Date.parse(t.expiry) - Date.now()).toBeGreaterThan(3500_000);
      const viaHeader = await auth.authenticate({ headers: { 'x-auth-token': t.token } });
      expect(viaHeader).toEqual({ user: 'alice', roles: ['operator'], via: 'token', expiry: expect.any(String) });
      const viaQuery = await auth.authenticate({ headers: {}, query: { 'x-auth-token': t.token } });
      expect(viaQuery.user).toBe('alice');
    });

    it("refuses a ttl above the maximum with StackStorm's message", async () => {
      await auth.createUser('alice', 'password-1', ['operator']);
      const e = await rejection(auth.issueToken('alice', 7200));
      expect(e.status).toBe(400);
      expect(e.message).toBe('TTL specified 7200 is greater than the maximum allowed 3600 seconds.');
    });

    it('rejects an expired token', async () => {
      await auth.createUser('alice', 'password-1', ['operator']);
      const t = await auth.issueToken('alice', 60);
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 61_000);
      const e = await rejection(auth.authenticate({ headers: { 'x-auth-token': t.token } }));
      expect(e.code).toBe('SQ_UNAUTHORIZED');
      expect(e.message).toContain('Token has expired');
    });

    it('stops accepting tokens of a user who was disabled', async () => {
      await auth.createUser('alice', 'password-1', ['operator']);
      const t = await auth.issueToken('alice');
      await store.users.update('alice', { enabled: false });
      const e = await rejection(auth.authenticate({ headers: { 'x-auth-token': t.token } }));
      expect(e.message).toContain('disabled');
    });
  });

  describe('API keys', () => {
    it('stores only the hash and authenticates with the key', async () => {
      await auth.createUser('alice', undefined, ['viewer']);
      const { apiKey, key } = await auth.createApiKey('alice', { purpose: 'ci' });
      expect(key.length).toBeGreaterThanOrEqual(43);
      const stored = await store.apiKeys.get(apiKey.id);
      expect(JSON.stringify(stored)).not.toContain(key);
      expect(stored?.key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(await auth.authenticate({ headers: { 'st2-api-key': key } })).toEqual({
        user: 'alice',
        roles: ['viewer'],
        via: 'api_key',
      });
      expect((await auth.authenticate({ headers: {}, query: { 'st2-api-key': key } })).via).toBe('api_key');
    });

    it('rejects disabled and unknown keys, and a token together with a key', async () => {
      await auth.createUser('alice', 'password-1', ['viewer']);
      const { apiKey, key } = await auth.createApiKey('alice');
      const t = await auth.issueToken('alice');
      const both = await rejection(auth.authenticate({ headers: { 'x-auth-token': t.token, 'st2-api-key': key } }));
      expect(both.message).toContain('Only one of Token or API key expected');
      const mixed = await rejection(
        auth.authenticate({ headers: { 'x-auth-token': t.token }, query: { 'st2-api-key': key } }),
      );
      expect(mixed.code).toBe('SQ_UNAUTHORIZED');
      expect((await rejection(auth.authenticate({ headers: { 'st2-api-key': 'nope' } }))).code).toBe('SQ_UNAUTHORIZED');
      expect((await rejection(auth.authenticate({ headers: {} }))).message).toContain(
        'One of Token or API key required',
      );
      await store.apiKeys.update(apiKey.id, { enabled: false });
      expect((await rejection(auth.authenticate({ headers: { 'st2-api-key': key } }))).message).toContain('disabled');
    });

    it('refuses keys for unknown users', async () => {
      expect((await rejection(auth.createApiKey('ghost'))).code).toBe('SQ_VALIDATION');
    });
  });

  describe('roles', () => {
    it('lets viewers read, operators run, and only admins write actions', () => {
      const as = (role: 'admin' | 'operator' | 'viewer') => ({ user: role, roles: [role], via: 'token' as const });
      expect(auth.can(as('viewer'), 'action:read')).toBe(true);
      expect(auth.can(as('viewer'), 'execution:run')).toBe(false);
      expect(auth.can(as('operator'), 'execution:run')).toBe(true);
      expect(auth.can(as('operator'), 'execution:cancel')).toBe(true);
      expect(auth.can(as('operator'), 'action:write')).toBe(false);
      expect(auth.can(as('admin'), 'action:write')).toBe(true);
      expect(auth.can(as('admin'), 'pack:register')).toBe(true);
      expect(() => auth.assert(as('viewer'), 'execution:run')).toThrow(/lacks permission "execution:run"/);
    });
  });

  describe('bootstrap', () => {
    it('creates admin and a private credentials file on first start only', async () => {
      const dataDir = join(dir, 'data');
      const first = await auth.bootstrap(dataDir);
      expect(first).toEqual({ created: true, credentialsPath: join(dataDir, 'credentials') });
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
      expect((await stat(first.credentialsPath)).mode & 0o777).toBe(0o600);

      const creds = await readCredentials(dataDir);
      expect(creds?.username).toBe('admin');
      expect((await auth.verifyPassword('admin', creds?.password ?? ''))?.roles).toEqual(['admin']);
      expect((await auth.authenticate({ headers: { 'st2-api-key': creds?.api_key } })).user).toBe('admin');

      const before = await readFile(first.credentialsPath, 'utf8');
      expect(await auth.bootstrap(dataDir)).toEqual({ created: false, credentialsPath: first.credentialsPath });
      expect(await readFile(first.credentialsPath, 'utf8')).toBe(before);
    });

    it('reads no credentials where there are none', async () => {
      expect(await readCredentials(join(dir, 'empty'))).toBeUndefined();
    });

    it('reports a broken credentials file without quoting the password in it', async () => {
      const dataDir = join(dir, 'broken');
      await mkdir(dataDir);
      await writeFile(join(dataDir, 'credentials'), 'username: admin\npassword: "hunter2-pw\napi_key: [\n');
      const err = await rejection(readCredentials(dataDir));
      expect(err.code).toBe('SQ_CONFIG_INVALID');
      expect(err.message).toContain('is not valid YAML');
      expect(err.message).not.toContain('hunter2-pw');
    });
  });
});
