import { DiscordAPIError, RateLimitError, type REST, Routes } from 'discord.js';
import type { JsonObject } from '../../engine/model/json.js';
import type { MarkRepo } from '../../engine/store/mark-repo.js';
import type { SendFailure } from '../outbox/channel-outbox.js';
import type { DiscordRendered } from './discord-format.js';

/**
 * One queued REST operation (JSON, stored in the outbox). `replyTo` and `thread` name the command:
 * a message id, or the interaction id of a `/squall` command (see `DiscordSender`).
 */
export type DiscordOp =
  | { op: 'post'; channel: string; replyTo?: string; rendered: DiscordRendered }
  | { op: 'update'; channel: string; messageId: string; thread?: string; rendered: DiscordRendered };

/** The id an `update` of a slash command's deferred reply names before the reply exists. */
export const DEFERRED_REPLY = '@original';

/** What is kept of a `/squall` interaction so that its ack and result can use its webhook. */
interface SlashMark extends JsonObject {
  application_id: string;
  token: string;
  /** Discord accepts the interaction token for 15 minutes; a margin is taken off. */
  token_expires_at: string;
  /** The deferred reply's message id, once the ack is in it. */
  ack_id: string | null;
}

const TOKEN_LIFE_MS = 14 * 60_000;
const MARK_LIFE_MS = 7 * 86_400_000;
const slashKey = (interactionId: string) => `discord:slash:${interactionId}`;

/**
 * Sends Discord operations. Replies to a message reference it; a `/squall` command's ack fills its
 * deferred reply and its result is an interaction follow-up while the interaction token lives (15
 * minutes), after which the result is a channel message referencing the ack.
 */
export class DiscordSender {
  constructor(
    private readonly rest: REST,
    private readonly marks: MarkRepo,
  ) {}

  /** Remembers a deferred `/squall` interaction (its token is only usable for 15 minutes). */
  async rememberSlash(interactionId: string, applicationId: string, token: string): Promise<void> {
    const mark: SlashMark = {
      application_id: applicationId,
      token,
      token_expires_at: new Date(Date.now() + TOKEN_LIFE_MS).toISOString(),
      ack_id: null,
    };
    await this.marks.set(slashKey(interactionId), mark, {
      expiresAt: new Date(Date.now() + MARK_LIFE_MS).toISOString(),
    });
  }

  async send(op: DiscordOp): Promise<JsonObject> {
    const { body, files } = requestParts(op.rendered);
    const commandId = op.op === 'post' ? op.replyTo : op.thread;
    const slash = commandId ? await this.#slash(commandId) : undefined;
    const live = slash !== undefined && Date.parse(slash.token_expires_at) > Date.now();
    if (op.op === 'post') {
      if (slash && live) {
        const r = (await this.rest.post(Routes.webhook(slash.application_id, slash.token), {
          body,
          files,
          auth: false,
          query: new URLSearchParams({ wait: 'true' }),
        })) as { id: string };
        return { id: r.id };
      }
      const ref = slash ? slash.ack_id : op.replyTo;
      if (ref) body.message_reference = { message_id: ref, fail_if_not_exists: false };
      const r = (await this.rest.post(Routes.channelMessages(op.channel), { body, files })) as { id: string };
      return { id: r.id };
    }
    const isAck = slash !== undefined && (op.messageId === DEFERRED_REPLY || op.messageId === slash.ack_id);
    if (slash && isAck && live) {
      const r = (await this.rest.patch(Routes.webhookMessage(slash.application_id, slash.token, DEFERRED_REPLY), {
        body,
        files,
        auth: false,
      })) as { id: string };
      if (slash.ack_id !== r.id && commandId) await this.#saveAck(commandId, slash, r.id);
      return { id: r.id };
    }
    if (op.messageId === DEFERRED_REPLY) {
      // The token expired before the ack could be sent (a long outage): say it as a new message.
      const r = (await this.rest.post(Routes.channelMessages(op.channel), { body, files })) as { id: string };
      if (slash && commandId) await this.#saveAck(commandId, slash, r.id);
      return { id: r.id };
    }
    await this.rest.patch(Routes.channelMessage(op.channel, op.messageId), { body, files });
    return { id: op.messageId };
  }

  async #slash(interactionId: string): Promise<SlashMark | undefined> {
    const v = await this.marks.get(slashKey(interactionId));
    return v && typeof v === 'object' && !Array.isArray(v) && typeof v.token === 'string'
      ? (v as SlashMark)
      : undefined;
  }

  async #saveAck(interactionId: string, slash: SlashMark, ackId: string): Promise<void> {
    await this.marks.set(
      slashKey(interactionId),
      { ...slash, ack_id: ackId },
      {
        expiresAt: new Date(Date.now() + MARK_LIFE_MS).toISOString(),
      },
    );
  }
}

function requestParts(rendered: DiscordRendered): {
  body: JsonObject;
  files: { name: string; data: Buffer }[] | undefined;
} {
  const body: JsonObject = { ...rendered.body };
  if (!rendered.file) return { body, files: undefined };
  body.attachments = [{ id: 0, filename: rendered.file.name }];
  return { body, files: [{ name: rendered.file.name, data: Buffer.from(rendered.file.content, 'utf8') }] };
}

/**
 * @discordjs/rest is told to throw on a rate limit (its own pre-emptive bucket waits and Discord's
 * 429s, `retry_after`) instead of waiting, so that the wait happens in the durable outbox; what else
 * reaches here is an outage (5xx, network) or a refusal (4xx).
 */
export function classifyDiscordError(e: unknown): SendFailure {
  if (e instanceof RateLimitError) {
    return { kind: 'rate_limited', retryAfterMs: Math.max(e.retryAfter, e.timeToReset, 1) };
  }
  const status = e instanceof DiscordAPIError ? e.status : (e as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500 && status !== 408 && status !== 429) {
    return { kind: 'rejected', reason: `HTTP ${status}: ${(e as Error).message}` };
  }
  return { kind: 'unavailable', reason: e instanceof Error ? e.message : String(e) };
}

/** The routes the outbox sends on; their rate limits are the outbox's to wait out. */
export function isOutboxRoute(route: string): boolean {
  return route.startsWith('/channels/') || route.startsWith('/webhooks/');
}
