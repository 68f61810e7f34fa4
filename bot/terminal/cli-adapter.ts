import type { Readable, Writable } from 'node:stream';
import { deferred } from '../../lib/deferred.js';
import type {
  ChatAdapter,
  ChatCapabilities,
  ChatMessage,
  ChatReply,
  ChatTarget,
  OutboundMessage,
  PostedRef,
} from '../chat-adapter.js';
import { formatForTerminal, isEmptyMessage } from './cli-format.js';
import { ShellTerminal } from './shell-terminal.js';

export interface CliAdapterOptions {
  input: Readable;
  output: Writable;
  /** The chat user id every typed line comes from. */
  user: string;
  /** @default 'shell' */
  channel?: string;
  /** ANSI colours; callers decide (a terminal, and `NO_COLOR` unset). @default false */
  color?: boolean;
  /** Keeps typed lines between sessions (terminals only). */
  historyFile?: string;
  /** @default '<user>> ' */
  prompt?: string;
}

type Handler = (m: ChatMessage) => Promise<ChatReply | undefined>;

/**
 * The terminal as a chat room: each typed line is a direct message to the bot, and the ack and
 * results print as chat messages do. `npm start` attaches it to the router when no chat platform
 * is configured; `squall shell` drives it over HTTP; tests drive it over PassThrough streams.
 */
export class CliAdapter implements ChatAdapter {
  readonly platform = 'cli' as const;
  readonly capabilities: ChatCapabilities = { threads: false, buttons: false, edit: false, maxMessageLength: 100_000 };
  readonly #opts: CliAdapterOptions;
  readonly #channel: string;
  readonly #terminal: ShellTerminal;
  readonly #closed = deferred();
  #handler: Handler | undefined;
  /** Lines are handled one after another, so acks come out in the order the lines went in. */
  #queue: Promise<void> = Promise.resolve();
  #seq = 0;
  #started = false;

  constructor(opts: CliAdapterOptions) {
    this.#opts = opts;
    this.#channel = opts.channel ?? 'shell';
    this.#terminal = new ShellTerminal({
      input: opts.input,
      output: opts.output,
      prompt: opts.prompt ?? `${opts.user}> `,
      historyFile: opts.historyFile,
    });
  }

  /** Resolves when the input has ended (Ctrl-D, end of a pipe, `stop()`) and every typed line was handled. */
  get closed(): Promise<void> {
    return this.#closed.promise;
  }

  /** The channel typed lines are sent from. */
  get channel(): string {
    return this.#channel;
  }

  onMessage(handler: Handler): void {
    this.#handler = handler;
  }

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    await this.#terminal.start(
      (line) => {
        this.#queue = this.#queue.then(() => this.#handle(line));
      },
      () => void this.#queue.then(() => this.#closed.resolve()),
    );
  }

  /** Stops reading input; messages already typed are still handled. */
  async stop(): Promise<void> {
    this.#terminal.close();
    if (this.#started) await this.closed;
  }

  /** Resolves once every line typed so far has been handled and its ack printed. */
  whenIdle(): Promise<void> {
    return this.#queue;
  }

  async post(target: ChatTarget, msg: OutboundMessage): Promise<PostedRef> {
    const tag = target.channel !== this.#channel ? `#${target.channel}` : undefined;
    this.#print(msg, tag);
    return {
      platform: 'cli',
      channel: target.channel,
      ...(target.thread ? { thread: target.thread } : {}),
      id: this.#nextId(),
    };
  }

  /** The terminal cannot edit what it printed, so the new version is printed below, marked as edited. */
  async update(ref: PostedRef, msg: OutboundMessage): Promise<void> {
    this.#print(msg, ref.channel !== this.#channel ? `edited, #${ref.channel}` : 'edited');
  }

  async #handle(text: string): Promise<void> {
    const message: ChatMessage = {
      platform: 'cli',
      channel: this.#channel,
      user: this.#opts.user,
      userName: this.#opts.user,
      text,
      mentioned: false,
      direct: true,
      messageId: this.#nextId(),
      via: 'message',
    };
    if (!this.#handler) {
      this.#print({ text: 'Squall is not listening yet.', tone: 'warning' });
      return;
    }
    let reply: ChatReply | undefined;
    try {
      reply = await this.#handler(message);
    } catch (e) {
      // Chat gets one line, never a stack.
      this.#print({ text: e instanceof Error ? e.message : String(e), tone: 'failure', title: 'Error' });
      return;
    }
    if (!reply) return;
    const ref = await this.post({ platform: 'cli', channel: this.#channel }, reply.message);
    try {
      await reply.onPosted?.(ref);
    } catch (e) {
      this.#print({ text: e instanceof Error ? e.message : String(e), tone: 'failure', title: 'Error' });
    }
  }

  #print(msg: OutboundMessage, tag?: string): void {
    // An ack turned off by the alias may still arrive as an empty message: a chat client shows nothing.
    if (isEmptyMessage(msg)) return;
    this.#terminal.print(formatForTerminal(msg, { color: this.#opts.color === true, tag }));
  }

  #nextId(): string {
    this.#seq += 1;
    return `cli-${process.pid}-${this.#seq}`;
  }
}
