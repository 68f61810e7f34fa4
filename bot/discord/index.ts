export { createDiscordAdapter, DiscordAdapter, type DiscordAdapterDeps } from './discord-adapter.js';
export {
  type DiscordOptions,
  discordConfigSchema,
  isDiscordConfigured,
  type ResolvedDiscordConfig,
  resolveDiscordConfig,
} from './discord-config.js';
export { type DiscordRendered, formatDiscordMessage } from './discord-format.js';
