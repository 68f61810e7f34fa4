import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTPReceiver, webApi } from '@slack/bolt';
import { asSquallError } from '../../engine/errors.js';
import type { Logger } from '../../engine/logger.js';
import type { JsonObject, JsonValue } from '../../engine/model/json.js';
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
} from '../chat-adapter.js';
import { ChannelOutbox } from '../outbox/channel-outbox.js';
import { createSlackApp, type SlackAckBody, type SlackReceiver } from './slack-app.js';
import { type ResolvedSlackConfig, repliesInThread } from './slack-config.js';
import { SlackConnection } from './slack-connection.js';
import {
  actionFromPayload,
  type BotIdentity,
  messageFromCommand,
  messageFromEvent,
  type SlackBlockActionsPayload,
  type SlackCommandPayload,
  type SlackMessageEvent,
} from './slack-events.js';
import { formatSlackMessage } from './slack-format.js';
import { isObjectBody, readBody } from './slack-http-body.js';
import { toSlackLogger } from './slack-logger.js';
import { slackTimestampInWindow } from './slack-request-clock.js';
import { classifySlackError, type SlackOp, SlackSender } from './slack-sender.js';
import { SlackUserDirectory } from './slack-users.js';

/** A slash command must be acknowledged within 3 s; past this the ack says "working" and the reply follows. */
const SLASH_ACK_BUDGET_MS = 2500;

export interface SlackAdapterDeps {
  store: Store;
  logger: Logger;
}

/** Options of one post or edit. */
export interface SlackSendOptions {
  /**
   * Identifies the logical message: sending again with a key still queued is a no-op that
   * resolves with the first one's result. Defaults to a hash of the target and the rendered message.
   */
  key?: string;
}

/**
 * The Slack adapter: Bolt 5 in HTTP mode (events, slash commands and buttons arrive at
 * `/slack/events` on Squall's own server through `httpHandler`) or in Socket Mode. It turns Slack
 * payloads into ChatMessages for the router and posts replies through a durable per-channel outbox.
 *
 * @example
 * const slack = new SlackAdapter(resolveSlackConfig(cfg.chat.slack, cfg.env), { store, logger });
 * slack.onMessage((m) => router.handle(m));
 * await slack.start();                       // HTTP mode: route /slack/* to slack.httpHandler
 */
export class SlackAdapter implements ChatAdapter {
  readonly platform = 'slack' as const;
  readonly capabilities: ChatCapabilities;
  /** From `result_mode`: edit the ack into the result, or reply in the thread. */
  readonly resultMode: 'edit' | 'reply';
  readonly #cfg: ResolvedSlackConfig;
  readonly #store: Store;
  readonly #log: Logger;
  readonly #client: InstanceType<typeof webApi.WebClient>;
  readonly #outbox: ChannelOutbox;
  readonly #users: SlackUserDirectory;
  readonly #receiver: SlackReceiver;
  readonly #connection: SlackConnection;
  #onMessage: ((m: ChatMessage) => Promise<ChatReply | undefined>) | undefined;
  #onAction: ((a: ChatAction) => Promise<void>) | undefined;

  constructor(cfg: ResolvedSlackConfig, deps: SlackAdapterDeps) {
    this.#cfg = cfg;
    this.#store = deps.store;
    this.#log = deps.logger.child({ component: 'slack', platform: 'slack' });
    this.resultMode = cfg.resultMode;
    this.capabilities = Object.freeze({
      threads: true,
      buttons: true,
      edit: true,
      maxMessageLength: cfg.uploadThreshold,
    });
    this.#client = new webApi.WebClient(cfg.botToken, {
      slackApiUrl: cfg.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: cfg.requestTimeoutMs,
      logger: toSlackLogger(this.#log),
    });
    const sender = new SlackSender(this.#client);
    this.#outbox = new ChannelOutbox({
      platform: 'slack',
      label: 'Slack',
      repo: deps.store.outbox,
      send: (p) => sender.send(p),
      classify: classifySlackError,
      logger: this.#log.child({ component: 'slack-outbox' }),
      minIntervalMs: cfg.minIntervalMs,
      burst: cfg.burst,
      retryBaseMs: cfg.retryBaseMs,
      retryMaxMs: cfg.retryMaxMs,
    });
    this.#users = new SlackUserDirectory(this.#client, this.#log);
    const { receiver } = createSlackApp(
      cfg,
      {
        identity: () => this.#connection.identity,
        onEvent: (id, e) => this.#handleEvent(id, e),
        onCommand: (c) => this.#handleCommand(c),
        onAction: (p) => this.#handleAction(p),
      },
      this.#log,
    );
    this.#receiver = receiver;
    this.#connection = new SlackConnection(cfg, this.#client, receiver, this.#log);
  }

  onMessage(handler: (m: ChatMessage) => Promise<ChatReply | undefined>): void {
    this.#onMessage = handler;
  }

  onAction(handler: (a: ChatAction) => Promise<void>): void {
    this.#onAction = handler;
  }

  /**
   * Resends what a previous run left queued, then connects: identity (auth.test, unless bot_user_id
   * and bot_id are configured) and, in Socket Mode, the WebSocket. Resolves after the first attempt;
   * when Slack is unreachable it keeps retrying with back-off in the background (see `whenReady`).
   * Rejects with SQ_CONFIG_INVALID when Slack refuses a token.
   */
  async start(): Promise<void> {
    await this.#outbox.restore();
    await this.#connection.start();
  }

  /** Resolves once Slack is connected (identity known; in Socket Mode, the socket open). */
  whenReady(): Promise<void> {
    return this.#connection.whenReady();
  }

  /** Stops receiving and sending; queued messages stay in the store for the next start. */
  async stop(): Promise<void> {
    await this.#connection.stop();
    await this.#outbox.stop();
  }

  /**
   * The Node request listener for HTTP mode: Squall's server calls it for `/slack/*` paths. Slack's
   * requests are verified (signature and a timestamp at most 5 minutes off, past or future; otherwise 401). Until
   * the adapter is connected it answers 503 so that Slack retries the delivery later.
   */
  readonly httpHandler = (req: IncomingMessage, res: ServerResponse): void => {
    const receiver = this.#receiver;
    if (!(receiver instanceof HTTPReceiver) || !this.#connection.ready) {
      res.writeHead(503, { 'retry-after': '5' });
      res.end();
      return;
    }
    const answer = (status: number): void => {
      if (res.headersSent) return;
      res.writeHead(status);
      res.end();
    };
    // Bolt takes a body that was read already (`rawBody`); reading it first lets bodies that would
    // crash Bolt be refused here.
    readBody(req).then(
      (raw) => {
        if (raw === undefined) return answer(413);
        if (!isObjectBody(raw, req.headers['content-type'])) return answer(400);
        // A missing timestamp is left to Bolt, which refuses the unsigned request itself.
        const stamp = req.headers['x-slack-request-timestamp'];
        if (stamp !== undefined && !slackTimestampInWindow(stamp, Date.now())) return answer(401);
        Object.assign(req, { rawBody: raw });
        try {
          receiver.requestListener(req, res);
        } catch (e) {
          // Bolt throws for paths it does not serve.
          answer((e as { code?: string }).code === 'slack_bolt_http_receiver_deferred_request_error' ? 404 : 500);
        }
      },
      () => answer(400),
    );
  };

  /** Posts a message; resolves with its ref once Slack confirmed it (it may wait in the outbox first). */
  async post(target: ChatTarget, msg: OutboundMessage, opts: SlackSendOptions = {}): Promise<PostedRef> {
    const r = formatSlackMessage(msg, { uploadThreshold: this.#cfg.uploadThreshold });
    const blocks = r.blocks as unknown as JsonValue[];
    const op: SlackOp = target.ephemeralUser
      ? { op: 'ephemeral', channel: target.channel, user: target.ephemeralUser, text: r.text, blocks }
      : { op: 'post', channel: target.channel, text: r.text, blocks };
    if (target.thread) op.thread_ts = target.thread;
    const key = opts.key ?? contentKey('post', op);
    const { sent } = await this.#outbox.enqueue(target.channel, key, op as unknown as JsonObject);
    // Ephemeral messages cannot carry files; their inline preview has to do.
    const file =
      r.upload && !target.ephemeralUser
        ? await this.#queueUpload(target.channel, target.thread, key, r.upload)
        : undefined;
    const result = await sent;
    await file;
    const ref: PostedRef = { platform: 'slack', channel: target.channel, id: String(result.ts) };
    if (target.thread) ref.thread = target.thread;
    return ref;
  }

  /** Edits a posted message (chat.update); output past the upload threshold goes into its thread as a file. */
  async update(ref: PostedRef, msg: OutboundMessage, opts: SlackSendOptions = {}): Promise<void> {
    const r = formatSlackMessage(msg, { uploadThreshold: this.#cfg.uploadThreshold });
    const op: SlackOp = {
      op: 'update',
      channel: ref.channel,
      ts: ref.id,
      text: r.text,
      blocks: r.blocks as unknown as JsonValue[],
    };
    const key = opts.key ?? contentKey('update', op);
    const { sent } = await this.#outbox.enqueue(ref.channel, key, op as unknown as JsonObject);
    const file = r.upload ? await this.#queueUpload(ref.channel, ref.thread ?? ref.id, key, r.upload) : undefined;
    await sent;
    await file;
  }

  async #queueUpload(
    channel: string,
    thread: string | undefined,
    key: string,
    upload: { filename: string; title: string; content: string },
  ): Promise<Promise<void>> {
    const op: SlackOp = { op: 'upload', channel, ...upload };
    if (thread) op.thread_ts = thread;
    const { sent } = await this.#outbox.enqueue(channel, `${key}:file`, op as unknown as JsonObject);
    // A refused upload must not fail the message it belongs to; the outbox has logged it.
    return sent.then(
      () => undefined,
      () => undefined,
    );
  }

  async #handleEvent(eventId: string | undefined, e: SlackMessageEvent): Promise<void> {
    const bot = this.#connection.identity as BotIdentity;
    const msg = messageFromEvent(e, bot, (ch) => repliesInThread(this.#cfg, ch));
    if (msg === undefined) return;
    // Slack redelivers events it thinks were not acked (X-Slack-Retry-Num); a command runs once.
    if (eventId !== undefined && !(await this.#store.dedup.claim(`slack:event:${eventId}`))) {
      this.#log.debug('duplicate Slack event ignored', { eventId });
      return;
    }
    // The message itself (channel + ts) is claimed too: the same message under another event id (a
    // replay, or Slack's own duplicates) must not run its command again.
    if (msg.messageId !== undefined && !(await this.#store.dedup.claim(`slack:msg:${msg.channel}:${msg.messageId}`))) {
      this.#log.debug('duplicate Slack message ignored', { channel: msg.channel, ts: msg.messageId });
      return;
    }
    const reply = await this.#ask(msg);
    if (reply === undefined || isEmptyMessage(reply.message)) return;
    const target: ChatTarget = { platform: 'slack', channel: msg.channel };
    if (msg.thread) target.thread = msg.thread;
    const ref = await this.post(target, reply.message, { key: `ack:${msg.channel}:${msg.messageId ?? eventId}` });
    await reply.onPosted?.(ref);
  }

  async #handleCommand(c: SlackCommandPayload): Promise<SlackAckBody | undefined> {
    const msg = messageFromCommand(c);
    const answer = this.#ask(msg);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), SLASH_ACK_BUDGET_MS);
    });
    const first = await Promise.race([answer, late]);
    clearTimeout(timer);
    if (first === 'late') {
      // The router is slow: acknowledge now, post its reply when it comes.
      void answer
        .then(async (reply) => {
          if (reply && !isEmptyMessage(reply.message))
            await this.post({ platform: 'slack', channel: msg.channel }, reply.message);
        })
        .catch((e: unknown) => this.#log.error('posting a late slash command reply failed', { err: String(e) }));
      return { response_type: 'ephemeral', text: 'Working on it…' };
    }
    if (first === undefined) return { response_type: 'ephemeral', text: `Nothing to do for "${msg.text}".` };
    if (isEmptyMessage(first.message)) return undefined;
    const r = formatSlackMessage(first.message, { uploadThreshold: this.#cfg.uploadThreshold });
    return { response_type: 'in_channel', text: r.text, blocks: r.blocks };
  }

  async #handleAction(p: SlackBlockActionsPayload): Promise<void> {
    const action = actionFromPayload(p);
    if (action === undefined) return;
    if (this.#onAction === undefined) {
      this.#log.warn('button clicked but no action handler is registered', { actionId: action.actionId });
      return;
    }
    try {
      await this.#onAction(action);
    } catch (e) {
      this.#log.error('action handler failed', { actionId: action.actionId, err: asSquallError(e).message });
    }
  }

  // Runs the router; its failures become a one-line reply with the code, never a stack.
  async #ask(msg: ChatMessage): Promise<ChatReply | undefined> {
    if (this.#onMessage && this.#cfg.identityByEmail) {
      const info = await this.#users.lookup(msg.user);
      if (info.email) msg.userEmail = info.email;
      if (info.name && !msg.userName) msg.userName = info.name;
    }
    return askHandler(this.#onMessage, msg, this.#log);
  }
}

/** Builds the adapter from resolved settings; what the platform table (`bot/platforms.ts`) calls when Slack is configured. */
export function createSlackAdapter(opts: { config: ResolvedSlackConfig; store: Store; logger: Logger }): SlackAdapter {
  return new SlackAdapter(opts.config, { store: opts.store, logger: opts.logger });
}
