import { z } from 'zod';
import { SquallError } from '../../engine/errors.js';
import { issueTexts, unknownKeysInQuotes } from '../../lib/zod-issues.js';

/**
 * `chat.slack` in squall.yaml. Every field is optional here because tokens usually come from the
 * environment; `resolveSlackConfig` checks what each mode really needs and applies the defaults.
 */
export const slackConfigSchema = z
  .object({
    /** Bot User OAuth Token (`xoxb-…`). Env: SQUALL_SLACK_BOT_TOKEN. */
    bot_token: z.string().optional(),
    /** Signing secret that authenticates Slack's HTTP requests (HTTP mode). Env: SQUALL_SLACK_SIGNING_SECRET. */
    signing_secret: z.string().optional(),
    /** App-level token (`xapp-…`, scope connections:write) for Socket Mode. Env: SQUALL_SLACK_APP_TOKEN. */
    app_token: z.string().optional(),
    /** Web API base URL; GovSlack and proxies need another. Env: SQUALL_SLACK_API_URL. @default https://slack.com/api/ */
    api_url: z.string().optional(),
    /** `socket` dials out to Slack; `http` receives on Squall's server at /slack/events. @default socket when app_token is set, else http */
    mode: z.enum(['http', 'socket']).optional(),
    /** Answer in the command's thread (a top-level command starts one). @default true */
    reply_in_thread: z.boolean().optional(),
    /** Per-channel overrides, keyed by channel id. */
    channels: z.record(z.string(), z.object({ reply_in_thread: z.boolean().optional() }).strict()).optional(),
    /** `edit` turns the ack message into the result; `reply` posts the result as a new reply. @default reply */
    result_mode: z.enum(['edit', 'reply']).optional(),
    /** Output longer than this many characters is uploaded as a file instead of inline blocks. @default 12000 */
    upload_threshold: z.number().int().min(100).optional(),
    /** Look up each user's email (users.info, cached) so the router can map identities by email. @default false */
    identity_by_email: z.boolean().optional(),
    /** The bot's user id (`U…`); with bot_id, skips the auth.test call at start-up. */
    bot_user_id: z.string().optional(),
    /** The bot's bot id (`B…`). */
    bot_id: z.string().optional(),
    /** The slash command the app registers. @default /squall */
    command: z.string().optional(),
    /** Minimum spacing of messages in one channel (Slack allows about 1/s). @default 1000 */
    min_interval_ms: z.number().int().min(0).optional(),
    /** Messages one channel may send back to back before the spacing applies. @default 3 */
    burst: z.number().int().min(1).optional(),
    /** First back-off after a Slack outage (5xx, network); doubles per attempt. @default 1000 */
    retry_base_ms: z.number().int().min(1).optional(),
    /** Longest back-off between attempts during an outage. @default 60000 */
    retry_max_ms: z.number().int().min(1).optional(),
    /** Timeout of one Web API request. @default 10000 */
    request_timeout_ms: z.number().int().min(1).optional(),
  })
  .strict();

export type SlackOptions = z.infer<typeof slackConfigSchema>;

/** The Slack settings with every default applied, checked for the chosen mode, frozen. */
export interface ResolvedSlackConfig {
  readonly botToken: string;
  readonly signingSecret: string | undefined;
  readonly appToken: string | undefined;
  /** Always ends with `/`. */
  readonly apiUrl: string;
  readonly mode: 'http' | 'socket';
  readonly replyInThread: boolean;
  readonly channels: Readonly<Record<string, { readonly replyInThread?: boolean }>>;
  readonly resultMode: 'edit' | 'reply';
  readonly uploadThreshold: number;
  readonly identityByEmail: boolean;
  readonly botUserId: string | undefined;
  readonly botId: string | undefined;
  readonly command: string;
  readonly minIntervalMs: number;
  readonly burst: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly requestTimeoutMs: number;
}

const ENV = {
  bot_token: 'SQUALL_SLACK_BOT_TOKEN',
  signing_secret: 'SQUALL_SLACK_SIGNING_SECRET',
  app_token: 'SQUALL_SLACK_APP_TOKEN',
  api_url: 'SQUALL_SLACK_API_URL',
} as const;

/** True when Slack is configured at all: a `chat.slack` section or a bot token in the environment. */
export function isSlackConfigured(input: unknown, env: Record<string, string | undefined>): boolean {
  return input !== undefined || Boolean(env[ENV.bot_token]);
}

// Shows what kind of token was given without revealing it: `xapp-...`.
function tokenKind(value: string): string {
  const dash = value.indexOf('-');
  return dash > 0 && dash <= 5 ? `${value.slice(0, dash + 1)}...` : 'a value of another kind';
}

/**
 * Validates `chat.slack` (plus the SQUALL_SLACK_* variables, used where the file leaves a field out)
 * and returns the frozen, resolved settings. Every problem is reported at once, in one SquallError
 * with code SQ_CONFIG_INVALID, and no message ever contains a secret.
 *
 * @example
 * const slack = resolveSlackConfig(cfg.chat.slack, cfg.env);
 */
export function resolveSlackConfig(input: unknown, env: Record<string, string | undefined>): ResolvedSlackConfig {
  const parsed = slackConfigSchema.safeParse(input ?? {}, { error: unknownKeysInQuotes });
  if (!parsed.success) {
    const lines = issueTexts(parsed.error.issues, ['slack']).map((p) => `${p.field}: ${p.problem}`);
    throw new SquallError('SQ_CONFIG_INVALID', lines.join('\n'));
  }
  const o = parsed.data;
  const pick = (k: keyof typeof ENV): string | undefined => {
    const v = o[k] ?? env[ENV[k]];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const botToken = pick('bot_token');
  const signingSecret = pick('signing_secret');
  const appToken = pick('app_token');
  const apiUrlRaw = pick('api_url') ?? 'https://slack.com/api/';
  const mode = o.mode ?? (appToken ? 'socket' : 'http');
  const problems: string[] = [];

  if (!botToken) problems.push(`slack.bot_token is required (or set ${ENV.bot_token})`);
  else if (!botToken.startsWith('xoxb-'))
    problems.push(`slack.bot_token must start with xoxb- (got ${tokenKind(botToken)})`);
  if (mode === 'http' && !signingSecret) {
    problems.push(`slack.signing_secret is required in http mode (or set ${ENV.signing_secret})`);
  }
  if (mode === 'socket') {
    if (!appToken) problems.push(`slack.app_token is required in socket mode (or set ${ENV.app_token})`);
    else if (!appToken.startsWith('xapp-'))
      problems.push(`slack.app_token must start with xapp- (got ${tokenKind(appToken)})`);
  }
  let apiUrl = apiUrlRaw;
  try {
    const u = new URL(apiUrlRaw);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('not http(s)');
    if (!apiUrl.endsWith('/')) apiUrl += '/';
  } catch {
    // A proxy URL may carry a password (`scheme://user:pass@host`): never echo that part.
    const shown = apiUrlRaw.replace(/^([^/]*\/\/)?[^/@]*@/, '$1********@');
    problems.push(`slack.api_url must be an http(s) URL such as https://slack.com/api/ (got "${shown}")`);
  }
  const command = o.command ?? '/squall';
  if (!/^\/[a-z0-9_-]{1,31}$/.test(command)) {
    problems.push(`slack.command must look like /squall (lower case, no spaces; got "${command}")`);
  }
  if (o.bot_user_id !== undefined && !/^[UW][A-Z0-9]+$/.test(o.bot_user_id)) {
    problems.push(`slack.bot_user_id must be a user id such as U012ABCDEF (got "${o.bot_user_id}")`);
  }
  if (o.bot_id !== undefined && !/^B[A-Z0-9]+$/.test(o.bot_id)) {
    problems.push(`slack.bot_id must be a bot id such as B012ABCDEF (got "${o.bot_id}")`);
  }
  if (problems.length > 0) throw new SquallError('SQ_CONFIG_INVALID', problems.join('\n'));

  const channels: Record<string, { replyInThread?: boolean }> = {};
  for (const [id, c] of Object.entries(o.channels ?? {})) {
    channels[id] = Object.freeze(c.reply_in_thread === undefined ? {} : { replyInThread: c.reply_in_thread });
  }
  return Object.freeze({
    botToken: botToken as string,
    signingSecret,
    appToken,
    apiUrl,
    mode,
    replyInThread: o.reply_in_thread ?? true,
    channels: Object.freeze(channels),
    resultMode: o.result_mode ?? 'reply',
    uploadThreshold: o.upload_threshold ?? 12_000,
    identityByEmail: o.identity_by_email ?? false,
    botUserId: o.bot_user_id,
    botId: o.bot_id,
    command,
    minIntervalMs: o.min_interval_ms ?? 1000,
    burst: o.burst ?? 3,
    retryBaseMs: o.retry_base_ms ?? 1000,
    retryMaxMs: o.retry_max_ms ?? 60_000,
    requestTimeoutMs: o.request_timeout_ms ?? 10_000,
  });
}

/** Whether replies to a command in `channel` go into a thread. */
export function repliesInThread(cfg: ResolvedSlackConfig, channel: string): boolean {
  return cfg.channels[channel]?.replyInThread ?? cfg.replyInThread;
}
