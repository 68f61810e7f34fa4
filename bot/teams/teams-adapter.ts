import type { IncomingMessage, ServerResponse } from 'node:http';
import { asSquallError } from '../../engine/errors.js';
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
import { readBody } from '../slack/slack-http-body.js';
import { BotFrameworkHost, type InboundTurn } from './bot-framework-host.js';
import type { ResolvedTeamsConfig } from './teams-config.js';
import { actionFromActivity, messageFromActivity } from './teams-events.js';
import { formatTeamsMessage } from './teams-format.js';
import { TeamsReferences } from './teams-references.js';
import { classifyTeamsError, type TeamsOp, TeamsSender } from './teams-sender.js';

/** Activities are small; Bot Framework's own cap for a message is 256 KB. */
const BODY_LIMIT = 1024 * 1024;

export interface TeamsAdapterDeps {
  store: Store;
  logger: Logger;
}

/**
 * The Microsoft Teams adapter: Bot Framework Activities arrive at `/api/messages` on Squall's own
 * server (`httpHandler`), authenticated by the channel's JWT unless anonymous mode is on. Commands
 * come by @mention in channels and without one in personal chats; replies go to the command's reply
 * chain through a durable per-conversation outbox, using conversation references kept in the store,
 * so results owed across a restart still arrive. botbuilder stays inside `bot-framework-host.ts`.
 */
export class TeamsAdapter implements ChatAdapter {
  readonly platform = 'teams' as const;
  readonly capabilities: ChatCapabilities;
  readonly resultMode: 'edit' | 'reply';
  readonly #cfg: ResolvedTeamsConfig;
  readonly #store: Store;
  readonly #log: Logger;
  readonly #host: BotFrameworkHost;
  readonly #refs: TeamsReferences;
  readonly #outbox: ChannelOutbox;
  readonly #emails = new Map<string, string | undefined>();
  #onMessage: ((m: ChatMessage) => Promise<ChatReply | undefined>) | undefined;
  #onAction: ((a: ChatAction) => Promise<void>) | undefined;
  #running = false;

  constructor(cfg: ResolvedTeamsConfig, deps: TeamsAdapterDeps) {
    this.#cfg = cfg;
    this.#store = deps.store;
    this.#log = deps.logger.child({ component: 'teams', platform: 'teams' });
    this.resultMode = cfg.resultMode;
    // Output is cut to fit the message budget; the card and its fallback text each carry it.
    this.capabilities = Object.freeze({
      threads: true,
      buttons: true,
      edit: true,
      maxMessageLength: Math.floor(cfg.maxMessageBytes / 2.5),
    });
    this.#host = new BotFrameworkHost(cfg);
    this.#refs = new TeamsReferences(deps.store.marks);
    const sender = new TeamsSender(this.#host, this.#refs);
    this.#outbox = new ChannelOutbox({
      platform: 'teams',
      label: 'Teams',
      repo: deps.store.outbox,
      send: (p) => sender.send(p),
      classify: classifyTeamsError,
      logger: this.#log.child({ component: 'teams-outbox' }),
      minIntervalMs: cfg.minIntervalMs,
      burst: cfg.burst,
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

  /** Resends what a previous run left queued; Activities are accepted from now on. */
  async start(): Promise<void> {
    if (this.#cfg.anonymous) {
      this.#log.warn(
        'TEAMS ANONYMOUS MODE: Bot Framework authentication is OFF; anyone who can reach /api/messages can send commands. For tests and local emulators only.',
      );
    }
    await this.#outbox.restore();
    this.#running = true;
  }

  /** Stops receiving and sending; queued messages stay in the store for the next start. */
  async stop(): Promise<void> {
    this.#running = false;
    await this.#outbox.stop();
  }

  /**
   * The Node request listener for `/api/messages`. Unauthenticated Activities are refused with 401
   * (with an empty body: the SDK's reason goes to the log only); until started it answers 503.
   */
  readonly httpHandler = (req: IncomingMessage, res: ServerResponse): void => {
    const answer = (status: number, headers: Record<string, string> = {}): void => {
      if (res.headersSent) return;
      res.writeHead(status, headers).end();
    };
    if (!this.#running) {
      answer(503, { 'retry-after': '5' });
      return;
    }
    if (req.method !== 'POST') {
      answer(405, { allow: 'POST' });
      return;
    }
    readBody(req, BODY_LIMIT).then(
      async (raw) => {
        if (raw === undefined) return answer(413);
        let body: unknown;
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          return answer(400);
        }
        if (typeof body !== 'object' || body === null || Array.isArray(body)) return answer(400);
        const auth = req.headers.authorization ?? '';
        const outcome = await this.#host.receive(auth, body as JsonObject, (turn) => this.#turn(turn));
        if (outcome.status !== 200) {
          const log = outcome.status === 401 ? this.#log.warn : this.#log.error;
          log.call(this.#log, 'Teams Activity refused', { status: outcome.status, reason: outcome.reason });
        }
        answer(outcome.status);
      },
      () => answer(400),
    );
  };

  async post(target: ChatTarget, msg: OutboundMessage, opts: PostOptions = {}): Promise<PostedRef> {
    const activity = formatTeamsMessage(msg, { maxBytes: this.#cfg.maxMessageBytes }) as unknown as JsonObject;
    const op: TeamsOp = { op: 'post', conversation: target.channel, activity };
    if (target.thread) op.replyTo = target.thread;
    const key = opts.key ?? contentKey('post', op);
    const result = await this.#outbox.send(target.channel, key, op as unknown as JsonObject);
    const ref: PostedRef = { platform: 'teams', channel: target.channel, id: String(result.id) };
    if (target.thread) ref.thread = target.thread;
    return ref;
  }

  async update(ref: PostedRef, msg: OutboundMessage, opts: PostOptions = {}): Promise<void> {
    const activity = formatTeamsMessage(msg, { maxBytes: this.#cfg.maxMessageBytes }) as unknown as JsonObject;
    const op: TeamsOp = { op: 'update', conversation: ref.channel, activityId: ref.id, activity };
    await this.#outbox.send(ref.channel, opts.key ?? contentKey('update', op), op as unknown as JsonObject);
  }

  async #turn(turn: InboundTurn): Promise<void> {
    const a = turn.activity;
    const conversation = a.conversation?.id;
    if (!conversation) return;
    await this.#refs.save(conversation, turn.reference);
    const action = actionFromActivity(a);
    if (action) return this.#action(action);
    const msg = messageFromActivity(a);
    if (!msg) return;
    // The channel redelivers an Activity it thinks was not answered; a command runs once.
    if (msg.messageId && !(await this.#store.dedup.claim(`teams:activity:${conversation}:${msg.messageId}`))) return;
    if (this.#cfg.identityByEmail) {
      const email = await this.#email(msg.user, turn);
      if (email) msg.userEmail = email;
    }
    const reply = await this.#ask(msg);
    if (reply === undefined || isEmptyMessage(reply.message)) return;
    const target: ChatTarget = { platform: 'teams', channel: msg.channel };
    if (msg.thread) target.thread = msg.thread;
    // Queued (stored) before the turn ends, sent without holding the channel's request open.
    void this.post(target, reply.message, { key: `ack:${msg.channel}:${msg.messageId ?? Date.now()}` })
      .then((ref) => reply.onPosted?.(ref))
      .catch((e: unknown) => this.#log.warn('Teams ack not sent yet', { err: asSquallError(e).message }));
  }

  async #email(user: string, turn: InboundTurn): Promise<string | undefined> {
    if (this.#emails.has(user)) return this.#emails.get(user);
    try {
      const email = (await turn.senderEmail())?.toLowerCase();
      this.#emails.set(user, email);
      return email;
    } catch (e) {
      this.#log.warn('Teams member lookup failed; mapping by AAD object id only', { err: String(e) });
      return undefined;
    }
  }

  async #action(action: ChatAction): Promise<void> {
    if (!this.#onAction) {
      this.#log.warn('button clicked but no action handler is registered', { actionId: action.actionId });
      return;
    }
    try {
      await this.#onAction(action);
    } catch (e) {
      this.#log.error('action handler failed', { actionId: action.actionId, err: asSquallError(e).message });
    }
  }

  #ask(msg: ChatMessage): Promise<ChatReply | undefined> {
    return askHandler(this.#onMessage, msg, this.#log);
  }
}

/** Builds the adapter from resolved settings. */
export function createTeamsAdapter(opts: { config: ResolvedTeamsConfig; store: Store; logger: Logger }): TeamsAdapter {
  return new TeamsAdapter(opts.config, { store: opts.store, logger: opts.logger });
}
