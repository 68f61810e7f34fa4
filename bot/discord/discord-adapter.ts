import {
  ApplicationCommandOptionType,
  ChannelType,
  Client,
  Events,
  GatewayIntentBits,
  type Interaction,
  type Message,
  Partials,
  type RateLimitData,
  Routes,
} from 'discord.js';
import { asSquallError, SquallError } from '../../engine/errors.js';
import type { Logger } from '../../engine/logger.js';
import type { JsonObject } from '../../engine/model/json.js';
import type { Store } from '../../engine/store/store.js';
import { askHandler, contentKey, isEmptyMessage } from '../adapter-intake.js';
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
import { ChannelOutbox } from '../outbox/channel-outbox.js';
import type { ResolvedDiscordConfig } from './discord-config.js';
import { formatDiscordMessage, parseCustomId } from './discord-format.js';
import {
  classifyDiscordError,
  DEFERRED_REPLY,
  type DiscordOp,
  DiscordSender,
  isOutboxRoute,
} from './discord-sender.js';

export interface DiscordAdapterDeps {
  store: Store;
  logger: Logger;
}

/** The slash command registered at start: `/squall command:<text>`. */
const SLASH = {
  name: 'squall',
  description: 'Run a Squall command',
  options: [
    { type: ApplicationCommandOptionType.String, name: 'command', description: 'e.g. run uptime', required: true },
  ],
};

/**
 * The Discord adapter: discord.js 14 on the gateway (guilds, guild messages, DMs; MessageContent
 * only when configured). Commands come by prefix, by mention, in DMs and as `/squall command:<text>`
 * (deferred at once, the ack as the deferred reply, the result as a follow-up). Replies reference the
 * command message and go through a durable per-channel outbox, which also waits out rate limits
 * (per-route buckets, 429 `retry_after`); discord.js reconnects and resumes the gateway session.
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
  readonly #sender: DiscordSender;
  #running = false;
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
      rest: {
        api: cfg.apiUrl,
        version: '10',
        retries: 1,
        timeout: 10_000,
        rejectOnRateLimit: (d: RateLimitData) => isOutboxRoute(d.route),
      },
    });
    this.#sender = new DiscordSender(this.#client.rest, deps.store.marks);
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
      send: (p) => this.#sender.send(p as unknown as DiscordOp),
      classify: classifyDiscordError,
      logger: this.#log.child({ component: 'discord-outbox' }),
      // Pacing follows Discord's own bucket headers (a bucket about to run dry is a rate limit too).
      minIntervalMs: 0,
      retryBaseMs: cfg.retryBaseMs,
      retryMaxMs: cfg.retryMaxMs,
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
    } else {
      this.#log.warn('Discord gave no application id; /squall is not registered (set SQUALL_DISCORD_APPLICATION_ID)');
    }
    await this.#outbox.restore();
    this.#running = true;
  }

  /** Stops receiving and sending; queued messages stay in the store for the next start. */
  async stop(): Promise<void> {
    this.#running = false;
    await this.#outbox.stop();
    await this.#client.destroy();
  }

  async post(target: ChatTarget, msg: OutboundMessage, opts: PostOptions = {}): Promise<PostedRef> {
    const rendered = formatDiscordMessage(msg, { attachThreshold: this.#cfg.attachThreshold });
    const op: DiscordOp = { op: 'post', channel: target.channel, rendered };
    if (target.thread) op.replyTo = target.thread;
    const r = await this.#outbox.send(target.channel, opts.key ?? contentKey('post', op), op as unknown as JsonObject);
    const ref: PostedRef = { platform: 'discord', channel: target.channel, id: String(r.id) };
    if (target.thread) ref.thread = target.thread;
    return ref;
  }

  async update(ref: PostedRef, msg: OutboundMessage, opts: PostOptions = {}): Promise<void> {
    await this.#update(ref, msg, opts);
  }

  async #update(ref: PostedRef, msg: OutboundMessage, opts: PostOptions): Promise<string> {
    const rendered = formatDiscordMessage(msg, { attachThreshold: this.#cfg.attachThreshold });
    const op: DiscordOp = { op: 'update', channel: ref.channel, messageId: ref.id, rendered };
    if (ref.thread) op.thread = ref.thread;
    const r = await this.#outbox.send(ref.channel, opts.key ?? contentKey('update', op), op as unknown as JsonObject);
    return String(r.id);
  }

  async #message(m: Message): Promise<void> {
    const me = this.#client.user?.id;
    if (!me || !this.#running || m.author.bot) return;
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
    if (!reply || isEmptyMessage(reply.message)) return;
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
      if (!this.#running) return;
      if (i.isChatInputCommand() && i.commandName === SLASH.name) {
        // The gateway may replay an interaction after a resume; it is answered once.
        if (!(await this.#store.dedup.claim(`discord:interaction:${i.id}`))) return;
        // Discord wants an answer within 3 s: defer first; the ack then fills the deferred reply.
        await i.deferReply();
        await this.#sender.rememberSlash(i.id, i.applicationId, i.token);
        const msg: ChatMessage = {
          platform: 'discord',
          channel: i.channelId,
          // Replies to the command (its result a follow-up) name the interaction as their thread.
          thread: i.id,
          user: i.user.id,
          userName: i.user.username,
          text: i.options.getString('command', true),
          mentioned: true,
          direct: i.channel?.type === ChannelType.DM,
          messageId: i.id,
          via: 'slash',
        };
        const reply = await this.#ask(msg);
        const ack =
          reply && !isEmptyMessage(reply.message)
            ? reply.message
            : { text: reply?.executionIds?.length ? `Accepted: ${msg.text}` : `Nothing to do for "${msg.text}".` };
        const ref: PostedRef = { platform: 'discord', channel: i.channelId, id: DEFERRED_REPLY, thread: i.id };
        const id = await this.#update(ref, ack, { key: `ack:${i.channelId}:${i.id}` });
        await reply?.onPosted?.({ ...ref, id });
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

  #ask(msg: ChatMessage): Promise<ChatReply | undefined> {
    return askHandler(this.#onMessage, msg, this.#log);
  }
}

/** Builds the adapter from resolved settings (the platform table's Discord row). */
export function createDiscordAdapter(opts: {
  config: ResolvedDiscordConfig;
  store: Store;
  logger: Logger;
}): DiscordAdapter {
  return new DiscordAdapter(opts.config, { store: opts.store, logger: opts.logger });
}
