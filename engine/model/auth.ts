import type { JsonObject } from './json.js';

export const ROLES = ['admin', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  name: string;
  /** scrypt hash in PHC-like form; absent for users that only authenticate with API keys. */
  password_hash?: string;
  roles: Role[];
  enabled: boolean;
  /** Chat identities: platform -> chat user id (StackStorm calls these nicknames). */
  nicknames: Record<string, string>;
  created_at: string;
}

export interface ApiKey {
  id: string;
  uid: string; // api_key:<key_hash>
  user: string;
  key_hash: string;
  metadata: JsonObject;
  enabled: boolean;
  created_at: string;
}

export interface Token {
  token_hash: string;
  user: string;
  expiry: string;
  metadata: JsonObject;
}
