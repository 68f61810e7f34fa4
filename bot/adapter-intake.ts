import { createHash } from 'node:crypto';
import { asSquallError, SquallError } from '../engine/errors.js';
import type { Logger } from '../engine/logger.js';
import { metrics } from '../engine/metrics/metrics.js';
import type { ChatMessage, ChatReply, OutboundMessage } from './chat-adapter.js';

/** An ack the alias switched off: nothing to post. */
export function isEmptyMessage(m: OutboundMessage): boolean {
  return m.text.trim() === '' && !m.title && !m.code && !(m.buttons && m.buttons.length > 0);
}

/** The outbox key of a message without one of its own: a hash of what is sent where. */
export function contentKey(prefix: string, value: unknown): string {
  return `${prefix}:${createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32)}`;
}

/**
 * Hands a platform's message to the router. A handler that throws becomes a one-line reply (the
 * error code, or SQ_INTERNAL with the details in the log), never silence and never a stack trace.
 */
export async function askHandler(
  handler: ((m: ChatMessage) => Promise<ChatReply | undefined>) | undefined,
  msg: ChatMessage,
  log: Logger,
): Promise<ChatReply | undefined> {
  if (!handler) {
    log.warn('chat message received but no handler is registered');
    return undefined;
  }
  const received = performance.now();
  metrics.chatReceived(msg.platform);
  try {
    const reply = await handler(msg);
    if (!reply) return reply;
    const posted = reply.onPosted;
    // Observed when the adapter has posted the ack: that is the wait the user sees.
    return {
      ...reply,
      onPosted: async (ref) => {
        metrics.chatAcked(msg.platform, (performance.now() - received) / 1000);
        await posted?.(ref);
      },
    };
  } catch (e) {
    const err = asSquallError(e);
    log.error('chat handler failed', { code: err.code, err: err.message, channel: msg.channel });
    const text =
      e instanceof SquallError
        ? `${err.code}: ${err.message.split('\n')[0]}`
        : 'Something went wrong (SQ_INTERNAL); the Squall log has the details.';
    return { message: { text, tone: 'failure' } };
  }
}
