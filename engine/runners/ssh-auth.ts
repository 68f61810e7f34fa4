import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { JsonObject } from '../model/json.js';
import { readString } from './runner-params.js';
import type { SshAuth } from './ssh-session.js';

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

function looksLikeKeyText(s: string): boolean {
  return s.includes('-----BEGIN ') || s.startsWith('PuTTY-User-Key-File');
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/**
 * Login details from the runner parameters. `private_key` is the key text or a path to it. With
 * neither a password nor a key, the runner user's ssh-agent and default key file are used, as `ssh`
 * would. Returns an error message (never containing secrets) when a key file cannot be read.
 */
export async function resolveSshAuth(p: JsonObject): Promise<SshAuth | { error: string }> {
  const auth: SshAuth = { username: readString(p, 'username') ?? userInfo().username };
  const password = readString(p, 'password');
  const key = readString(p, 'private_key');
  const passphrase = readString(p, 'passphrase');
  if (password !== undefined) auth.password = password;
  if (passphrase !== undefined) auth.passphrase = passphrase;
  if (key !== undefined && key !== '') {
    if (looksLikeKeyText(key)) {
      auth.privateKey = key;
    } else {
      const path = expandHome(key);
      try {
        auth.privateKey = await readFile(path);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
        return { error: `Cannot read private key file ${path} (${code})` };
      }
    }
  }
  if (auth.password === undefined && auth.privateKey === undefined) {
    const agent = process.env.SSH_AUTH_SOCK;
    if (agent) auth.agent = agent;
    const fallback = DEFAULT_KEYS.map((k) => join(homedir(), '.ssh', k)).find((f) => existsSync(f));
    if (fallback) auth.privateKey = await readFile(fallback).catch(() => undefined);
    if (auth.privateKey === undefined) delete auth.privateKey;
  }
  return auth;
}
