import { createHash } from 'node:crypto';
import {
  ApplicationCommandOptionType,
  ChannelType,
  Client,
  Events,
  GatewayIntentBits,
  type Interaction,
  type Message,
  Partials,
  Routes,
} from 'discord.js';
import { asSquallError, SquallError } from '../../engine/errors.js';
import type { Logger } from '../../engine/logger.js';
import type { JsonObject } from '../../engine/model/json.js';
import type { Store } from '../../engine/store/store.js';
import type {
  ChatAction,
  ChatAdapter,
  ChatCapabilities,
  ChatMessage,
  ChatReply,
  ChatTarget,
  OutboundMessage,
  PostedRef,
  PostOptions,
} from '../chat-adapter.js';
import { ChannelOutbox, type SendFailure } from '../outbox/channel-outbox.js';
import type { ResolvedDiscordConfig } from './discord-config.js';
import { type DiscordRendered, formatDiscordMessage, parseCustomId } from './discord-format.js';

export interface DiscordAdapterDeps {
  store: Store;
  logger: Logger;
}

/** One queued REST operation (JSON, stored in the outbox). */
type DiscordOp =
  | { op: 'post'; channel: string; replyTo?: string; rendered: DiscordRendered }
  | { op: 'update'; channel: string; messageId: string; rendered: DiscordRendered };

function isEmpty(m: OutboundMessage): boolean {
  return m.text.trim() === '' && !m.title && !m.code && !(m.buttons && m.buttons.length > 0);
}

function hashKey(prefix: string, value: unknown): string {
  return `${prefix}:${createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32)}`;
}

/** The slash command registered at start: `/squall command:<text>`. */
const SLASH = {
  name: 'squall',
  description: 'Run a Squall command',
  options: [
    { type: ApplicationCommandOptionType.String, name: 'command', description: 'e.g. run uptime', required: true },
  ],
};

// @discordjs/rest waits out 429s itself (per-route buckets, retry_after); what reaches here is an
// outage (5xx, network) or a refusal (4xx).
function classifyDiscordError(e: unknown): SendFailure {
  const status = (e as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500 && status !== 408 && status !== 429) {
    return { kind: 'rejected', reason: `HTTP ${status}: ${(e as Error).message}` };
  }
  return { kind: 'unavailable', reason: e instanceof Error ? e.message : String(e) };
}

/**
 * The Discord adapter: discord.js 14 on the gateway (guilds, guild messages, DMs; MessageContent
 * only when configured). Commands come by prefix, by mention, in DMs and as `/squall command:<text>`
 * (deferred at once, the ack as the deferred reply). Replies reference the command message and go
 * through a durable per-channel outbox; discord.js honours rate limits and resumes the session.
 */
export class DiscordAdapter implements ChatAdapter {
  readonly platform = 'discord' as const;
  readonly capabilities: ChatCapabilities;
  readonly resultMode: 'edit' | 'reply';
  readonly #cfg: ResolvedDiscordConfig;
  readonly #store: Store;
  readonly #log: Logger;
  readonly #client: Client;
  readonly #outbox: ChannelOutbox;
  #onMessage: ((m: ChatMessage) => Promise<ChatReply | undefined>) | undefined;
  #onAction: ((a: ChatAction) => Promise<void>) | undefined;

  constructor(cfg: ResolvedDiscordConfig, deps: DiscordAdapterDeps) {
    this.#cfg = cfg;
    this.#store = deps.store;
    this.#log = deps.logger.child({ component: 'discord', platform: 'discord' });
    this.resultMode = cfg.resultMode;
    this.capabilities = Object.freeze({ threads: true, buttons: true, edit: true, maxMessageLength: 100_000 });
    const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages];
    if (cfg.messageContent) intents.push(GatewayIntentBits.MessageContent);
    this.#client = new Client({
      intents,
      partials: [Partials.Channel],
      rest: { api: cfg.apiUrl, version: '10', retries: 1, timeout: 10_000 },
    });
    this.#client.on(Events.MessageCreate, (m) => {
      this.#message(m).catch((e: unknown) => this.#log.error('Discord message handling failed', { err: String(e) }));
    });
    this.#client.on(Events.InteractionCreate, (i) => void this.#interaction(i));
    this.#client.on(Events.ShardResume, () => this.#log.info('Discord gateway session resumed'));
    this.#client.on(Events.Error, (e) => this.#log.warn('Discord client error', { err: e.message }));
    this.#outbox = new ChannelOutbox({
      platform: 'discord',
      label: 'Discord',
      repo: deps.store.outbox,
      send: (p) => this.#send(p as unknown as DiscordOp),
      classify: classifyDiscordError,
      logger: this.#log.child({ component: 'discord-outbox' }),
      // discord.js paces by Discord's own bucket headers; the outbox only keeps order and durability.
      minIntervalMs: 0,
    });
  }

  onMessage(handler: (m: ChatMessage) => Promise<ChatReply | undefined>): void {
    this.#onMessage = handler;
  }

  onAction(handler: (a: ChatAction) => Promise<void>): void {
    this.#onAction = handler;
  }

  /** Logs in (gateway READY), registers `/squall`, and resends what a previous run left queued. */
  async start(): Promise<void> {
    try {
      await this.#client.login(this.#cfg.token);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw new SquallError('SQ_CONFIG_INVALID', `Discord refused to connect: ${msg}`, { cause: e });
    }
    const appId = this.#cfg.applicationId ?? this.#client.application?.id;
    if (appId) {
      const route = this.#cfg.guildId
        ? Routes.applicationGuildCommands(appId, this.#cfg.guildId)
        : Routes.applicationCommands(appId);
      await this.#client.rest.put(route, { body: [SLASH] });
    }
    await this.#outbox.restore();
  }

  async stop(): Promise<void> {
    await this.#outbox.stop();
    await this.#client.destroy();
  }

  async post(target: ChatTarget, msg: OutboundMessage, opts: PostOptions = {}): Promise<PostedRef> {
    const rendered = formatDiscordMessage(msg, { attachThreshold: this.#cfg.attachThreshold });
    const op: DiscordOp = { op: 'post', channel: target.channel, rendered };
    if (target.thread) op.replyTo = target.thread;
    const r = await this.#outbox.send(target.channel, opts.key ?? hashKey('post', op), op as unknown as JsonObject);
    const ref: PostedRef = { platform: 'discord', channel: target.channel, id: String(r.id) };
    if (target.thread) ref.thread = target.thread;
    return ref;
  }

  async update(ref: PostedRef, msg: OutboundMessage, opts: PostOptions = {}): Promise<void> {
    const rendered = formatDiscordMessage(msg, { attachThreshold: this.#cfg.attachThreshold });
    const op: DiscordOp = { op: 'update', channel: ref.channel, messageId: ref.id, rendered };
    await this.#outbox.send(ref.channel, opts.key ?? hashKey('update', op), op as unknown as JsonObject);
  }

  async #send(op: DiscordOp): Promise<JsonObject> {
    const body: JsonObject = { ...op.rendered.body };
    const files = op.rendered.file
      ? [{ name: op.rendered.file.name, data: Buffer.from(op.rendered.file.content, 'utf8') }]
      : undefined;
    if (files) body.attachments = [{ id: 0, filename: files[0]?.name ?? 'output.txt' }];
    if (op.op === 'post') {
      if (op.replyTo) body.message_reference = { message_id: op.replyTo, fail_if_not_exists: false };
      const r = (await this.#client.rest.post(Routes.channelMessages(op.channel), {
        body,
        ...(files ? { files } : {}),
      })) as { id: string };
      return { id: r.id };
    }
    await this.#client.rest.patch(Routes.channelMessage(op.channel, op.messageId), {
      body,
      ...(files ? { files } : {}),
    });
    return { id: op.messageId };
  }

  async #message(m: Message): Promise<void> {
    const me = this.#client.user?.id;
    if (!me || m.author.bot) return;
    const direct = m.channel.type === ChannelType.DM;
    const mentionRe = new RegExp(`<@!?${me}>`, 'g');
    const mentioned = m.mentions.users.has(me) || mentionRe.test(m.content);
    const msg: ChatMessage = {
      platform: 'discord',
      channel: m.channelId,
      user: m.author.id,
      userName: m.author.username,
      text: m.content.replace(mentionRe, ' ').replace(/\s+/g, ' ').trim(),
      mentioned,
      direct,
      messageId: m.id,
      thread: m.id,
      via: 'message',
    };
    // The gateway may replay events after a resume; a command runs once.
    if (!(await this.#store.dedup.claim(`discord:message:${m.id}`))) return;
    const reply = await this.#ask(msg);
    if (!reply || isEmpty(reply.message)) return;
    try {
      const ref = await this.post({ platform: 'discord', channel: m.channelId, thread: m.id }, reply.message, {
        key: `ack:${m.channelId}:${m.id}`,
      });
      await reply.onPosted?.(ref);
    } catch (e) {
      this.#log.warn('Discord ack not sent yet', { err: asSquallError(e).message });
    }
  }

  async #interaction(i: Interaction): Promise<void> {
    try {
      if (i.isChatInputCommand() && i.commandName === SLASH.name) {
        // Discord wants an answer within 3 s: defer first, then the ack becomes the deferred reply.
        await i.deferReply();
        const msg: ChatMessage = {
          platform: 'discord',
          channel: i.channelId,
          user: i.user.id,
          userName: i.user.username,
          text: i.options.getString('command', true),
          mentioned: true,
          direct: i.channel?.type === ChannelType.DM,
          messageId: i.id,
          via: 'slash',
        };
        const reply = await this.#ask(msg);
        const rendered = formatDiscordMessage(
          reply && !isEmpty(reply.message) ? reply.message : { text: `Nothing to do for "${msg.text}".` },
          { attachThreshold: this.#cfg.attachThreshold },
        );
        const sent = await i.editReply(rendered.body as Parameters<typeof i.editReply>[0] & object);
        if (reply?.onPosted) {
          await reply.onPosted({ platform: 'discord', channel: i.channelId, id: sent.id, thread: sent.id });
        }
        return;
      }
      if (i.isButton()) {
        const parsed = parseCustomId(i.customId);
        if (!parsed) return;
        await i.deferUpdate();
        if (!this.#onAction) {
          this.#log.warn('button clicked but no action handler is registered', { actionId: parsed.actionId });
          return;
        }
        await this.#onAction({
          platform: 'discord',
          channel: i.channelId,
          user: i.user.id,
          actionId: parsed.actionId,
          value: parsed.value,
          messageRef: { platform: 'discord', channel: i.channelId, id: i.message.id },
        });
      }
    } catch (e) {
      this.#log.error('Discord interaction failed', { err: asSquallError(e).message });
    }
  }

  async #ask(msg: ChatMessage): Promise<ChatReply | undefined> {
    if (!this.#onMessage) return undefined;
    try {
      return await this.#onMessage(msg);
    } catch (e) {
      const err = asSquallError(e);
      this.#log.error('chat handler failed', { code: err.code, err: err.message });
      const text =
        e instanceof SquallError
          ? `${err.code}: ${err.message.split('\n')[0]}`
          : 'Something went wrong (SQ_INTERNAL); the Squall log has the details.';
      return { message: { text, tone: 'failure' } };
    }
  }
}

/** @public For the platform table's Discord row, which `squall start` does not have yet. */
export function createDiscordAdapter(opts: {
  config: ResolvedDiscordConfig;
  store: Store;
  logger: Logger;
}): DiscordAdapter {
  return new DiscordAdapter(opts.config, { store: opts.store, logger: opts.logger });
}
