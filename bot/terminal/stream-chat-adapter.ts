import type { JsonObject } from '../../engine/model/json.js';
import type { StreamPublisher } from '../../engine/stream/stream-publisher.js';
import type {
  ChatAdapter,
  ChatCapabilities,
  ChatMessage,
  ChatReply,
  ChatTarget,
  OutboundMessage,
  PostedRef,
  PostOptions,
} from '../chat-adapter.js';
import { isProgressKey } from '../notify/live-progress.js';

let seq = 0;

/**
 * The server's side of remote terminal shells (`squall shell`): replies are announced on the public
 * stream (`st2.announcement__chatops`, StackStorm's event for chat bots) with the shell's channel, and
 * each shell shows the ones for its channel. Messages come in through `POST /api/v1/chatops/messages`.
 */
export class StreamChatAdapter implements ChatAdapter {
  readonly platform = 'cli' as const;
  readonly capabilities: ChatCapabilities = { threads: false, buttons: false, edit: false, maxMessageLength: 100_000 };

  constructor(
    private readonly stream: StreamPublisher,
    private readonly isLocalChannel: (channel: string) => boolean = () => false,
  ) {}

  ownsChannel(channel: string): boolean {
    return !this.isLocalChannel(channel);
  }

  onMessage(_handler: (m: ChatMessage) => Promise<ChatReply | undefined>): void {
    // Inbound messages arrive through the API route, which calls the router directly.
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  async post(target: ChatTarget, msg: OutboundMessage, opts?: PostOptions): Promise<PostedRef> {
    const id = `a${Date.now().toString(36)}${(seq++).toString(36)}`;
    this.stream.announce('chatops', {
      platform: 'cli',
      channel: target.channel,
      ...(target.thread ? { thread: target.thread } : {}),
      id,
      // Marked so that a shell waiting for results does not take a progress line for one.
      ...(isProgressKey(opts?.key) ? { progress: true } : {}),
      message: msg as unknown as JsonObject,
    });
    return { platform: 'cli', channel: target.channel, id };
  }

  async update(ref: PostedRef, msg: OutboundMessage, opts?: PostOptions): Promise<void> {
    await this.post({ platform: 'cli', channel: ref.channel }, msg, opts);
  }
}
