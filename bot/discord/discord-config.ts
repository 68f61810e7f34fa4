import { z } from 'zod';
import { SquallError } from '../../engine/errors.js';

/** `chat.discord` in squall.yaml; the token usually comes from SQUALL_DISCORD_TOKEN. */
export const discordConfigSchema = z
  .object({
    /** Bot token (Developer Portal → Bot → Reset Token). Env: SQUALL_DISCORD_TOKEN. */
    token: z.string().optional(),
    /** Application id (a snowflake), for the slash command. Env: SQUALL_DISCORD_APPLICATION_ID. */
    application_id: z.string().optional(),
    /** REST base URL without the version. Env: SQUALL_DISCORD_API_URL. @default https://discord.com/api */
    api_url: z.string().optional(),
    /** Ask for the privileged MessageContent intent (enable it in the portal first); without it, commands work by mention, DM and slash command. @default false */
    message_content: z.boolean().optional(),
    /** Register `/squall` in this guild only (instant) instead of globally. */
    guild_id: z.string().optional(),
    /** `edit` turns the ack message into the result; `reply` posts the result as a reply. @default reply */
    result_mode: z.enum(['edit', 'reply']).optional(),
    /** Output longer than this many characters is attached as a file. @default 3500 */
    attach_threshold: z.number().int().min(500).max(4000).optional(),
    /** First back-off after a Discord outage (5xx, network); doubles per attempt. @default 1000 */
    retry_base_ms: z.number().int().min(1).optional(),
    /** Longest back-off between attempts during an outage. @default 60000 */
    retry_max_ms: z.number().int().min(1).optional(),
  })
  .strict();

export type DiscordOptions = z.infer<typeof discordConfigSchema>;

export interface ResolvedDiscordConfig {
  readonly token: string;
  readonly applicationId: string | undefined;
  /** Without a trailing slash. */
  readonly apiUrl: string;
  readonly messageContent: boolean;
  readonly guildId: string | undefined;
  readonly resultMode: 'edit' | 'reply';
  readonly attachThreshold: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}

const ENV = {
  token: 'SQUALL_DISCORD_TOKEN',
  application_id: 'SQUALL_DISCORD_APPLICATION_ID',
  api_url: 'SQUALL_DISCORD_API_URL',
} as const;

const SNOWFLAKE = /^\d{1,20}$/;

/** True when Discord is configured: a `chat.discord` section or SQUALL_DISCORD_TOKEN. */
export function isDiscordConfigured(input: unknown, env: Record<string, string | undefined>): boolean {
  return input !== undefined || Boolean(env[ENV.token]);
}

/** Validates `chat.discord` plus SQUALL_DISCORD_*; every problem at once, never the token. */
export function resolveDiscordConfig(input: unknown, env: Record<string, string | undefined>): ResolvedDiscordConfig {
  const parsed = discordConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const path = ['discord', ...i.path.map(String)].join('.');
      return i.code === 'unrecognized_keys'
        ? `${path}: unknown key(s) ${i.keys.map((k) => `"${k}"`).join(', ')}`
        : `${path}: ${i.message}`;
    });
    throw new SquallError('SQ_CONFIG_INVALID', lines.join('\n'));
  }
  const o = parsed.data;
  const pick = (k: keyof typeof ENV): string | undefined => {
    const v = o[k] ?? env[ENV[k]];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const problems: string[] = [];
  const token = pick('token');
  const applicationId = pick('application_id');
  let apiUrl = pick('api_url') ?? 'https://discord.com/api';
  if (!token) problems.push(`discord.token is required (or set ${ENV.token})`);
  else if (/\s/.test(token) || token.toLowerCase().startsWith('bot ')) {
    problems.push('discord.token must be the bare bot token (without "Bot " and without spaces)');
  }
  if (applicationId !== undefined && !SNOWFLAKE.test(applicationId)) {
    problems.push(`discord.application_id must be a numeric id (got "${applicationId}")`);
  }
  if (o.guild_id !== undefined && !SNOWFLAKE.test(o.guild_id)) {
    problems.push(`discord.guild_id must be a numeric id (got "${o.guild_id}")`);
  }
  try {
    const u = new URL(apiUrl);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('not http(s)');
    apiUrl = apiUrl.replace(/\/+$/, '').replace(/\/v\d+$/, '');
  } catch {
    problems.push(
      `discord.api_url must be an http(s) URL such as https://discord.com/api (got "${apiUrl.replace(/\/\/[^/@]*@/, '//********@')}")`,
    );
  }
  if (problems.length > 0) throw new SquallError('SQ_CONFIG_INVALID', problems.join('\n'));
  return Object.freeze({
    token: token as string,
    applicationId,
    apiUrl,
    messageContent: o.message_content ?? false,
    guildId: o.guild_id,
    resultMode: o.result_mode ?? 'reply',
    attachThreshold: o.attach_threshold ?? 3500,
    retryBaseMs: o.retry_base_ms ?? 1000,
    retryMaxMs: o.retry_max_ms ?? 60_000,
  });
}
