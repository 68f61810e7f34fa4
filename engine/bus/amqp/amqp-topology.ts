import type { Logger } from '../../logger.js';
import type { Topic } from '../bus.js';
import type { AmqpChannel, AmqpConnection, AmqpTable } from './amqp-types.js';

/**
 * Names and declarations of everything the bus puts on the broker:
 *
 * - exchange `<prefix>`: durable topic exchange; the routing key is the topic name.
 * - queue `<prefix>.<topic>.<group>`: one durable quorum queue per consumer group.
 * - queue `<prefix>.<topic>.<group>.dead`: durable classic queue holding that group's dead letters.
 * - broadcast: one exclusive, auto-delete, server-named queue per subscriber.
 *
 * Why quorum queues: they count every return of a message (handler failure nacks *and* a consumer
 * that died holding it) in the `x-delivery-count` header, so attempt numbers survive crashes and
 * other processes without the adapter republishing copies, and `x-delivery-limit` lets the broker
 * itself dead-letter a message that keeps killing its consumers. When a handler throws on its last
 * attempt the adapter dead-letters the message itself, so it can attach the error text; the
 * broker's limit (one above that) is the backstop for the crash case, where no error text exists.
 */
export interface GroupNames {
  queue: string;
  dead: string;
}

export const DEFAULT_PREFIX = 'squall';

/** Header carrying the handler's last error on a dead letter the adapter wrote itself. */
export const ERROR_HEADER = 'x-squall-error';
/** Header carrying the attempt number on which the message was dead-lettered. */
export const ATTEMPTS_HEADER = 'x-squall-attempts';

export function groupNames(prefix: string, topic: Topic, group: string): GroupNames {
  const queue = `${prefix}.${topic}.${group}`;
  return { queue, dead: `${queue}.dead` };
}

export async function declareExchange(ch: AmqpChannel, prefix: string): Promise<void> {
  await ch.assertExchange(prefix, 'topic', { durable: true });
}

/**
 * Opens a channel for short-lived work. A channel the broker closes with an error emits 'error';
 * without a listener amqplib rethrows it and takes the whole connection down, so one is always set
 * (the failed operation's own rejection carries the error to the caller).
 */
export async function openChannel(conn: AmqpConnection): Promise<AmqpChannel> {
  const ch = await conn.createChannel();
  ch.on('error', () => {});
  return ch;
}

/** Broker PRECONDITION_FAILED: a queue exists with other arguments. */
const isPreconditionFailed = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 406;

/**
 * Declares a group's queue, its dead-letter queue and the binding. Runs on a throwaway channel
 * because a refused declaration closes the channel it ran on. A queue that already exists with
 * another delivery limit (a consumer with a different maxAttempts declared it first) is kept as it
 * is, with a warning: queue arguments cannot change without deleting the queue and its messages.
 */
export async function declareGroup(
  conn: AmqpConnection,
  prefix: string,
  topic: Topic,
  group: string,
  maxAttempts: number,
  logger: Logger,
): Promise<GroupNames> {
  const names = groupNames(prefix, topic, group);
  const args: AmqpTable = {
    'x-queue-type': 'quorum',
    'x-delivery-limit': maxAttempts - 1,
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': names.dead,
  };
  let ch = await openChannel(conn);
  try {
    await ch.assertQueue(names.dead, { durable: true, arguments: { 'x-queue-type': 'classic' } });
    try {
      await ch.assertQueue(names.queue, { durable: true, arguments: args });
    } catch (e) {
      if (!isPreconditionFailed(e)) throw e;
      logger.warn('group queue exists with other arguments; keeping it as declared', {
        queue: names.queue,
        maxAttempts,
        error: e instanceof Error ? e.message : String(e),
      });
      ch = await openChannel(conn);
      await ch.checkQueue(names.queue);
    }
    await ch.bindQueue(names.queue, prefix, topic);
  } finally {
    await ch.close().catch(() => {});
  }
  return names;
}

/** Declares a subscriber's private queue on `ch` (the consuming channel) and binds it; returns its name. */
export async function declareBroadcastQueue(ch: AmqpChannel, prefix: string, topic: Topic): Promise<string> {
  const { queue } = await ch.assertQueue('', { durable: false, exclusive: true, autoDelete: true });
  await ch.bindQueue(queue, prefix, topic);
  return queue;
}
