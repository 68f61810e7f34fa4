import type { Role, User } from '../engine/model/auth.js';
import type { Store } from '../engine/store/store.js';
import type { ChatMessage } from './chat-adapter.js';

/** A chat user resolved to a Squall identity. */
export interface ChatIdentity {
  /** Squall user name the execution runs as. */
  user: string;
  roles: Role[];
  /** How the identity was found, for logs and `!whoami`. */
  via: 'config' | 'nickname' | 'email' | 'default-role' | 'terminal';
}

export interface IdentityOptions {
  /** platform -> chat user id -> Squall user name (squall.yaml `chat.users`). */
  users: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Role for unknown chat users; `none` refuses them. */
  defaultRole: Role | 'none';
}

/**
 * Maps a chat user to a Squall user: explicit config mapping first, then nicknames stored through the
 * API (`PUT /api/v1/users/{name}/nicknames/{platform}`), then the e-mail the platform vouched for, then
 * the configured default role. The terminal shell's messages come from an authenticated Squall user.
 */
export async function resolveIdentity(
  store: Store,
  m: ChatMessage,
  opts: IdentityOptions,
): Promise<ChatIdentity | undefined> {
  const enabled = (u: User | undefined): u is User => u?.enabled === true;
  if (m.platform === 'cli') {
    const u = await store.users.get(m.user);
    return enabled(u) ? { user: u.name, roles: u.roles, via: 'terminal' } : undefined;
  }
  const mapped = opts.users[m.platform]?.[m.user];
  if (mapped) {
    const u = await store.users.get(mapped);
    if (enabled(u)) return { user: u.name, roles: u.roles, via: 'config' };
    return undefined;
  }
  const byNick = await store.users.findByNickname(m.platform, m.user);
  if (enabled(byNick)) return { user: byNick.name, roles: byNick.roles, via: 'nickname' };
  if (m.userEmail) {
    // The address the platform vouched for: a user who registered it as their `email` nickname, or
    // a Squall user named by it.
    const email = m.userEmail.toLowerCase();
    const byEmail = (await store.users.findByNickname('email', email)) ?? (await store.users.get(email));
    if (enabled(byEmail)) return { user: byEmail.name, roles: byEmail.roles, via: 'email' };
  }
  if (opts.defaultRole !== 'none') {
    return { user: `${m.platform}:${m.user}`, roles: [opts.defaultRole], via: 'default-role' };
  }
  return undefined;
}

export function mayRun(roles: readonly Role[]): boolean {
  return roles.includes('admin') || roles.includes('operator');
}
