import { randomBytes } from 'node:crypto';
import { SquallError } from '../errors.js';
import { newId } from '../ids.js';
import { ROLES, type Role, type User } from '../model/auth.js';
import type { JsonObject } from '../model/json.js';
import type { Store } from '../store/store.js';
import type { AuthService, AuthServiceOptions, CredentialSource, IssuedToken, Principal } from './auth-service.js';
import { credentialsPath, writeCredentials } from './credentials.js';
import { dummyPasswordHash, hashPassword, verifyPasswordHash } from './password-hash.js';
import { PasswordThrottle } from './password-throttle.js';
import { rolesCan } from './permissions.js';
import { resolveCredential } from './resolve-credential.js';
import { hashSecret, newSecret } from './secret-tokens.js';

const DEFAULT_TOKEN_TTL_S = 86_400;
const USER_NAME = /^[A-Za-z0-9][\w.@-]{0,63}$/;
const MIN_PASSWORD = 8;

function unauthorized(message: string): SquallError {
  return new SquallError('SQ_UNAUTHORIZED', `Unauthorized - ${message}`);
}

export function createAuthService(store: Store, opts: AuthServiceOptions): AuthService {
  const tokenTtlS = opts.tokenTtlS ?? DEFAULT_TOKEN_TTL_S;
  const grants = opts.grants ?? {};
  const log = opts.logger.child({ component: 'auth' });
  const throttle = new PasswordThrottle(opts.passwordThrottle);

  async function activeUser(name: string): Promise<User> {
    const user = await store.users.get(name);
    if (!user) throw unauthorized(`User "${name}" does not exist.`);
    if (!user.enabled) throw unauthorized(`User "${name}" is disabled.`);
    return user;
  }

  const service: AuthService = {
    tokenTtlS,

    async createUser(name, password, roles) {
      if (!USER_NAME.test(name)) {
        throw new SquallError(
          'SQ_VALIDATION',
          `Invalid user name "${name}": use 1-64 letters, digits, and . _ @ - (starting with a letter or digit)`,
        );
      }
      const bad = roles.find((r) => !(ROLES as readonly string[]).includes(r));
      if (bad !== undefined) {
        throw new SquallError('SQ_VALIDATION', `Unknown role "${bad}"; roles are ${ROLES.join(', ')}`);
      }
      if (password !== undefined && password.length < MIN_PASSWORD) {
        throw new SquallError('SQ_VALIDATION', `Password must be at least ${MIN_PASSWORD} characters long`);
      }
      if (await store.users.get(name)) throw new SquallError('SQ_CONFLICT', `User "${name}" already exists`);
      const user: User = {
        name,
        roles: [...new Set(roles)],
        enabled: true,
        nicknames: {},
        created_at: new Date().toISOString(),
        ...(password !== undefined ? { password_hash: await hashPassword(password) } : {}),
      };
      const created = await store.users.create(user);
      log.info('user created', { user: name, roles: user.roles });
      return created;
    },

    async verifyPassword(name, password, attempt = {}) {
      // Checked before the password, and the same for names that do not exist, so waiting out the
      // limit is the only way on and the answer does not reveal which users exist.
      const retryAfterS = throttle.retryAfterS(name, attempt.address);
      if (retryAfterS > 0) {
        log.warn('password attempts throttled', { user: name, address: attempt.address, retryAfterS });
        throw new SquallError(
          'SQ_TOO_MANY_REQUESTS',
          `Too many failed password attempts; try again in ${retryAfterS} s`,
          { details: { retryAfterS } },
        );
      }
      const user = await store.users.get(name);
      // Hash anyway when there is nothing to compare with, so timing does not reveal which users exist.
      const ok = await verifyPasswordHash(password, user?.password_hash ?? (await dummyPasswordHash()));
      const verified = ok && user?.password_hash && user.enabled ? user : undefined;
      if (verified) throttle.recordSuccess(name);
      else throttle.recordFailure(name, attempt.address);
      return verified;
    },

    async issueToken(user, ttlS, metadata = {}): Promise<IssuedToken> {
      const ttl = ttlS ?? tokenTtlS;
      if (!Number.isInteger(ttl) || ttl <= 0) {
        throw new SquallError('SQ_BAD_REQUEST', `TTL must be a positive whole number of seconds, got ${ttl}`);
      }
      if (ttl > tokenTtlS) {
        throw new SquallError(
          'SQ_BAD_REQUEST',
          `TTL specified ${ttl} is greater than the maximum allowed ${tokenTtlS} seconds.`,
        );
      }
      const token = newSecret();
      const expiry = new Date(Date.now() + ttl * 1000).toISOString();
      await store.tokens.create({ token_hash: hashSecret(token), user, expiry, metadata });
      return { user, token, expiry, metadata };
    },

    async revokeToken(token) {
      return store.tokens.delete(hashSecret(token));
    },

    async createApiKey(user, metadata: JsonObject = {}) {
      if (!(await store.users.get(user))) throw new SquallError('SQ_VALIDATION', `Unknown user "${user}"`);
      const key = newSecret();
      const keyHash = hashSecret(key);
      const apiKey = await store.apiKeys.create({
        id: newId(),
        uid: `api_key:${keyHash}`,
        user,
        key_hash: keyHash,
        metadata,
        enabled: true,
        created_at: new Date().toISOString(),
      });
      log.info('api key created', { user, id: apiKey.id });
      return { apiKey, key };
    },

    async authenticate(src: CredentialSource): Promise<Principal> {
      const cred = resolveCredential(src);
      if (cred.kind === 'none') throw unauthorized('One of Token or API key required.');
      if (cred.kind === 'both') throw unauthorized('Only one of Token or API key expected.');
      if (cred.kind === 'token') {
        const row = await store.tokens.getByHash(hashSecret(cred.value));
        if (!row) throw unauthorized('Token does not exist.');
        if (Date.parse(row.expiry) <= Date.now()) throw unauthorized('Token has expired.');
        const user = await activeUser(row.user);
        return { user: user.name, roles: user.roles, via: 'token', expiry: row.expiry };
      }
      const key = await store.apiKeys.getByHash(hashSecret(cred.value));
      if (!key) throw unauthorized('API key does not exist.');
      if (!key.enabled) throw unauthorized('API key is disabled.');
      const user = await activeUser(key.user);
      return { user: user.name, roles: user.roles, via: 'api_key' };
    },

    can(principal, permission) {
      return rolesCan(principal.roles, permission, grants);
    },

    assert(principal, permission) {
      if (!rolesCan(principal.roles, permission, grants)) {
        throw new SquallError(
          'SQ_FORBIDDEN',
          `User "${principal.user}" (roles: ${principal.roles.join(', ') || 'none'}) lacks permission "${permission}"`,
        );
      }
    },

    async bootstrap(dataDir) {
      const path = credentialsPath(dataDir);
      if ((await store.users.list()).length > 0) return { created: false, credentialsPath: path };
      const password = randomBytes(18).toString('base64url');
      await service.createUser('admin', password, ['admin' satisfies Role]);
      const { key } = await service.createApiKey('admin', { description: 'created on first start' });
      await writeCredentials(dataDir, { username: 'admin', password, api_key: key });
      log.info('first start: created user admin', { credentialsPath: path });
      return { created: true, credentialsPath: path };
    },
  };
  return service;
}
