import type { Logger } from '../logger.js';
import type { ApiKey, Role, User } from '../model/auth.js';
import type { JsonObject } from '../model/json.js';
import type { PasswordThrottleOptions } from './password-throttle.js';
import type { Permission, PermissionGrants } from './permissions.js';

/** Who is calling, as established from a token or an API key. */
export interface Principal {
  user: string;
  roles: Role[];
  via: 'token' | 'api_key';
  /** When the token stops working (tokens only; API keys do not expire). */
  expiry?: string;
}

/** What a token request answers (StackStorm's TokenAPI shape). `token` is shown once. */
export interface IssuedToken {
  user: string;
  token: string;
  expiry: string;
  metadata: JsonObject;
}

/** The parts of an HTTP request that may carry credentials. */
export interface CredentialSource {
  headers: Record<string, string | string[] | undefined>;
  query?: unknown;
}

export interface AuthServiceOptions {
  /** Lifetime of issued tokens, and the maximum a caller may ask for. @default 86400 */
  tokenTtlS?: number;
  /** Limits on failed password attempts per user and per client address. */
  passwordThrottle?: PasswordThrottleOptions;
  /** Permissions roles hold besides their own (`auth.roles.<role>.grant`). @default none */
  grants?: PermissionGrants;
  logger: Logger;
}

/**
 * Users, passwords, tokens, API keys and roles. Secrets (passwords, tokens, keys) are stored only as
 * hashes; the clear value exists once, in the answer that created it.
 */
export interface AuthService {
  /** The token lifetime in force (also the maximum `ttl` a caller may request). */
  readonly tokenTtlS: number;
  /** Creates a user. Throws SQ_VALIDATION for a bad name, role or password, SQ_CONFLICT if it exists. */
  createUser(name: string, password: string | undefined, roles: Role[]): Promise<User>;
  /**
   * The user when the password is right and the user enabled; undefined otherwise (never says which).
   * Throws SQ_TOO_MANY_REQUESTS (details `retryAfterS`) without checking the password when the user or
   * the client `address` has used up its failed attempts.
   */
  verifyPassword(name: string, password: string, opts?: { address?: string }): Promise<User | undefined>;
  /** Issues a token for a user. Throws SQ_BAD_REQUEST when `ttlS` exceeds the maximum or is not positive. */
  issueToken(user: string, ttlS?: number, metadata?: JsonObject): Promise<IssuedToken>;
  /** Deletes a token so it stops working before its expiry (signing out). False when it was unknown. */
  revokeToken(token: string): Promise<boolean>;
  /** Creates an API key; `key` is the only time the clear key exists. Throws SQ_VALIDATION for an unknown user. */
  createApiKey(user: string, metadata?: JsonObject): Promise<{ apiKey: ApiKey; key: string }>;
  /**
   * Establishes the principal from `X-Auth-Token` / `St2-Api-Key` headers or `x-auth-token` /
   * `st2-api-key` query parameters (headers win). Throws SQ_UNAUTHORIZED when none, both, or an
   * unknown, expired or disabled credential is given.
   */
  authenticate(src: CredentialSource): Promise<Principal>;
  /** True when the principal's roles hold the permission. */
  can(principal: Principal, permission: Permission): boolean;
  /** Throws SQ_FORBIDDEN naming the permission when the principal lacks it. */
  assert(principal: Principal, permission: Permission): void;
  /**
   * On first start (no users) creates `admin` with a random password and an API key and writes them
   * to `<dataDir>/credentials` (0600). Later starts do nothing.
   */
  bootstrap(dataDir: string): Promise<{ created: boolean; credentialsPath: string }>;
}
