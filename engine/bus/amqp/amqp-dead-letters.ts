import { ERROR_HEADER, openChannel } from './amqp-topology.js';
import type { AmqpConnection, AmqpMessage } from './amqp-types.js';

/** Dead letters returned by one listing; the rest stay in the queue. */
const MAX_LISTED = 1000;

export interface DeadLetterEntry {
  msg: unknown;
  error: string;
}

/** Why the broker dead-lettered a message by itself, from the `x-first-death-reason` header. */
function brokerReason(m: AmqpMessage): string {
  const reason = m.properties.headers?.['x-first-death-reason'];
  if (reason === 'delivery_limit') {
    return 'delivery limit reached: consumers died or disconnected while handling the message';
  }
  return `dead-lettered by RabbitMQ (${typeof reason === 'string' ? reason : 'unknown reason'})`;
}

function decode(m: AmqpMessage): DeadLetterEntry {
  const text = m.content.toString('utf8');
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    msg = text;
  }
  const error = m.properties.headers?.[ERROR_HEADER];
  const errorText = Buffer.isBuffer(error) ? error.toString('utf8') : typeof error === 'string' ? error : undefined;
  return { msg, error: errorText ?? brokerReason(m) };
}

/**
 * Lists a dead-letter queue without consuming it: every message is fetched unacked on a private
 * channel, and closing that channel puts them all back where they were.
 */
export async function readDeadLetters(conn: AmqpConnection, queue: string): Promise<DeadLetterEntry[]> {
  const ch = await openChannel(conn);
  try {
    try {
      await ch.checkQueue(queue);
    } catch {
      return []; // never declared: no consumer of that group ever ran
    }
    const out: DeadLetterEntry[] = [];
    for (let i = 0; i < MAX_LISTED; i++) {
      const m = await ch.get(queue, { noAck: false });
      if (m === false) break;
      out.push(decode(m));
    }
    return out;
  } finally {
    await ch.close().catch(() => {});
  }
}
