import type { CredentialSource } from './auth-service.js';

export type Credential = { kind: 'none' } | { kind: 'both' } | { kind: 'token' | 'api_key'; value: string };

function header(src: CredentialSource, name: string): string | undefined {
  const v = src.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s ? s : undefined;
}

function query(src: CredentialSource, name: string): string | undefined {
  if (typeof src.query !== 'object' || src.query === null) return undefined;
  const v = (src.query as Record<string, unknown>)[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' && s ? s : undefined;
}

/**
 * Picks the one credential of a request, as StackStorm's router does: headers first, then the
 * query string (EventSource clients cannot set headers). A token and an API key together is an
 * error rather than a choice, so a caller never acts with an identity it did not mean.
 */
export function resolveCredential(src: CredentialSource): Credential {
  const token = header(src, 'x-auth-token') ?? query(src, 'x-auth-token');
  const key = header(src, 'st2-api-key') ?? query(src, 'st2-api-key');
  if (token && key) return { kind: 'both' };
  if (token) return { kind: 'token', value: token };
  if (key) return { kind: 'api_key', value: key };
  return { kind: 'none' };
}
