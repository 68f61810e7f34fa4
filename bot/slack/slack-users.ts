import type { webApi } from '@slack/bolt';
import type { Logger } from '../../engine/logger.js';

export interface SlackUserInfo {
  name?: string;
  email?: string;
}

interface Cached {
  at: number;
  info: Promise<SlackUserInfo>;
}

/**
 * Looks up users (users.info) for identity by email, with a cache: a user's email rarely changes,
 * and users.info is a Tier 4 method that must not be called for every message.
 */
export class SlackUserDirectory {
  readonly #client: InstanceType<typeof webApi.WebClient>;
  readonly #log: Logger;
  readonly #ttlMs: number;
  readonly #cache = new Map<string, Cached>();

  constructor(client: InstanceType<typeof webApi.WebClient>, logger: Logger, ttlMs = 3_600_000) {
    this.#client = client;
    this.#log = logger;
    this.#ttlMs = ttlMs;
  }

  /** The user's name and email; empty when Slack could not say (the router then maps by id alone). */
  lookup(userId: string): Promise<SlackUserInfo> {
    const hit = this.#cache.get(userId);
    if (hit && Date.now() - hit.at < this.#ttlMs) return hit.info;
    const info = this.#fetch(userId);
    this.#cache.set(userId, { at: Date.now(), info });
    return info;
  }

  async #fetch(userId: string): Promise<SlackUserInfo> {
    try {
      const r = (await this.#client.users.info({ user: userId })) as {
        user?: { name?: string; real_name?: string; profile?: { email?: string; display_name?: string } };
      };
      const out: SlackUserInfo = {};
      const name = r.user?.profile?.display_name || r.user?.real_name || r.user?.name;
      if (name) out.name = name;
      if (r.user?.profile?.email) out.email = r.user.profile.email;
      return out;
    } catch (e) {
      // Not cached: the next message tries again.
      this.#cache.delete(userId);
      this.#log.warn('users.info failed; passing the message on without an email', { user: userId, err: String(e) });
      return {};
    }
  }
}
