import type { RequestListener } from 'node:http';
import type { ResolvedConfig } from '../engine/config/resolve-config.js';
import type { Logger } from '../engine/logger.js';
import type { Store } from '../engine/store/store.js';
import type { ChatAdapter } from './chat-adapter.js';
import { isDiscordConfigured } from './discord/discord-config.js';
import { isSlackConfigured } from './slack/slack-config.js';
import { isTeamsConfigured } from './teams/teams-config.js';

/** What a platform's adapter is built from. */
export interface PlatformDeps {
  /** The `chat:` section of squall.yaml; each platform reads its own key. */
  chat: ResolvedConfig['chat'];
  env: Readonly<Record<string, string | undefined>>;
  store: Store;
  logger: Logger;
}

/** A platform's adapter, with the handler for its HTTP mount when the platform sends requests to Squall. */
export interface PlatformAdapter {
  adapter: ChatAdapter;
  /** `prefix` ending in `/` takes the folder (`/slack/`); otherwise the exact path, with any query. */
  http?: { prefix: string; handler: RequestListener };
}

/**
 * One row of the platform table. Each platform's code (and its SDK) is imported only when the
 * platform is configured, so a process without Slack never loads Bolt.
 */
export interface ChatPlatform {
  readonly name: string;
  /** Configured in squall.yaml (`chat.<name>`) or by its environment variables. */
  configured(deps: Pick<PlatformDeps, 'chat' | 'env'>): boolean;
  create(deps: PlatformDeps): Promise<PlatformAdapter>;
}

/** Slack: Bolt in HTTP mode (Events API on `/slack/*` of Squall's port) or Socket Mode. */
const slack: ChatPlatform = {
  name: 'slack',
  configured: ({ chat, env }) => isSlackConfigured(chat.slack, env),
  async create({ chat, env, store, logger }) {
    const { resolveSlackConfig } = await import('./slack/slack-config.js');
    // Bolt and the rest of the adapter load here, only when Slack is configured.
    const { createSlackAdapter } = await import('./slack/slack-adapter.js');
    const adapter = createSlackAdapter({ config: resolveSlackConfig(chat.slack, env), store, logger });
    return { adapter, http: { prefix: '/slack/', handler: adapter.httpHandler } };
  },
};

/** Microsoft Teams: the Bot Framework posts activities to `/api/messages` on Squall's port. */
const teams: ChatPlatform = {
  name: 'teams',
  configured: ({ chat, env }) => isTeamsConfigured(chat.teams, env),
  async create({ chat, env, store, logger }) {
    const { resolveTeamsConfig } = await import('./teams/teams-config.js');
    // botbuilder and the rest of the adapter load here, only when Teams is configured.
    const { createTeamsAdapter } = await import('./teams/teams-adapter.js');
    const adapter = createTeamsAdapter({ config: resolveTeamsConfig(chat.teams, env), store, logger });
    return { adapter, http: { prefix: '/api/messages', handler: adapter.httpHandler } };
  },
};

/** Discord: discord.js on the gateway (outbound WebSocket) and REST; nothing is mounted on Squall's port. */
const discord: ChatPlatform = {
  name: 'discord',
  configured: ({ chat, env }) => isDiscordConfigured(chat.discord, env),
  async create({ chat, env, store, logger }) {
    const { resolveDiscordConfig } = await import('./discord/discord-config.js');
    // discord.js and the rest of the adapter load here, only when Discord is configured.
    const { createDiscordAdapter } = await import('./discord/discord-adapter.js');
    return { adapter: createDiscordAdapter({ config: resolveDiscordConfig(chat.discord, env), store, logger }) };
  },
};

/** The chat platforms Squall speaks to: a new platform adds a row here and a folder `bot/<name>/`. */
export const PLATFORMS: readonly ChatPlatform[] = [slack, teams, discord];

/** The adapters of the configured platforms, built (and their code loaded) only for those. */
export async function createConfiguredPlatforms(deps: PlatformDeps): Promise<PlatformAdapter[]> {
  const out: PlatformAdapter[] = [];
  for (const p of PLATFORMS) if (p.configured(deps)) out.push(await p.create(deps));
  return out;
}

/** The names of the configured platforms, in table order (the routes `chatops.post_message` offers). */
export function configuredPlatformNames(deps: Pick<PlatformDeps, 'chat' | 'env'>): string[] {
  return PLATFORMS.filter((p) => p.configured(deps)).map((p) => p.name);
}

/** Whether any chat platform is configured (the terminal shell stays closed then). */
export function anyPlatformConfigured(deps: Pick<PlatformDeps, 'chat' | 'env'>): boolean {
  return PLATFORMS.some((p) => p.configured(deps));
}
