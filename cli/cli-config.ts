import { homedir } from 'node:os';
import { join } from 'node:path';
import { credentialsPath, readCredentials } from '../engine/auth/credentials.js';
import { readSavedToken } from './token-file.js';

/** How the CLI proves who it is; `none` lets the server answer 401 with its own message. */
export type CliAuth =
  | { kind: 'api-key'; key: string; source: string }
  | { kind: 'token'; token: string; source: string }
  | { kind: 'basic'; username: string; password: string; source: string }
  | { kind: 'none' };

/** The global options every command shares, resolved once. */
export interface CliConfig {
  /** Server base URL without a trailing slash, e.g. `http://127.0.0.1:9101`. */
  apiUrl: string;
  dataDir: string;
  auth: CliAuth;
}

/** The global options as commander gives them. */
export interface GlobalOptions {
  apiUrl?: string;
  apiKey?: string;
  dataDir?: string;
}

export const DEFAULT_API_URL = 'http://127.0.0.1:9101';

export function resolveDataDir(flag: string | undefined, env: Record<string, string | undefined>): string {
  return flag || env.SQUALL_HOME || join(homedir(), '.squall');
}

/** `http://h:9101/`, `http://h:9101/api` and `http://h:9101/api/v1` all mean the server at `http://h:9101`. */
export function normaliseApiUrl(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/api(\/v1)?$/, '');
}

/**
 * Credentials, first found wins: `--api-key`, `SQUALL_API_KEY`, `SQUALL_AUTH_TOKEN`, the token
 * saved by `squall login`, then `<data-dir>/credentials` (written by the server on first start).
 */
export async function resolveConfig(opts: GlobalOptions, env: Record<string, string | undefined>): Promise<CliConfig> {
  const dataDir = resolveDataDir(opts.dataDir, env);
  const apiUrl = normaliseApiUrl(opts.apiUrl || env.SQUALL_API_URL || DEFAULT_API_URL);
  return { apiUrl, dataDir, auth: await resolveAuth(opts, env, dataDir, apiUrl) };
}

async function resolveAuth(
  opts: GlobalOptions,
  env: Record<string, string | undefined>,
  dataDir: string,
  apiUrl: string,
): Promise<CliAuth> {
  if (opts.apiKey) return { kind: 'api-key', key: opts.apiKey, source: '--api-key' };
  if (env.SQUALL_API_KEY) return { kind: 'api-key', key: env.SQUALL_API_KEY, source: 'SQUALL_API_KEY' };
  if (env.SQUALL_AUTH_TOKEN) return { kind: 'token', token: env.SQUALL_AUTH_TOKEN, source: 'SQUALL_AUTH_TOKEN' };
  const saved = await readSavedToken(dataDir, apiUrl);
  if (saved) return { kind: 'token', token: saved.token, source: 'squall login' };
  // Written by the server on first start; on the server's host the CLI works with no setup.
  const creds = await readCredentials(dataDir);
  const source = credentialsPath(dataDir);
  if (creds?.api_key) return { kind: 'api-key', key: creds.api_key, source };
  if (creds?.username && creds.password)
    return { kind: 'basic', username: creds.username, password: creds.password, source };
  return { kind: 'none' };
}
