import { backoffDelay } from '../../../lib/backoff.js';
import { Sleeper } from '../../../lib/sleeper.js';
import type { Logger } from '../../logger.js';
import type { Handler, Topic } from '../bus.js';
import type { AmqpSession } from './amqp-link.js';
import {
  ATTEMPTS_HEADER,
  declareBroadcastQueue,
  declareGroup,
  ERROR_HEADER,
  type GroupNames,
  openChannel,
} from './amqp-topology.js';
import type { AmqpChannel, AmqpMessage, AmqpTable } from './amqp-types.js';

export interface ConsumerSpec {
  topic: Topic;
  /** The consumer group; `undefined` for a broadcast subscriber. */
  group: string | undefined;
  handler: Handler<unknown>;
  prefetch: number;
  maxAttempts: number;
}

export interface ConsumerDeps {
  prefix: string;
  logger: Logger;
  /** The link's open session right now, if any. */
  current(): AmqpSession | undefined;
  /** Confirmed publish of a dead letter straight into `queue` (through the default exchange). */
  deadLetter(queue: string, content: Buffer, headers: AmqpTable): Promise<void>;
}

/** Redelivery back-off: the failed message is held this long before it is nacked back to the queue. */
const retryDelayMs = (attempt: number): number => backoffDelay(attempt, { baseMs: 50, maxMs: 2000 });
/** A channel that died on its own (the connection lives) is re-opened after this long. */
const CHANNEL_REOPEN_MS = 1000;
/** Error text kept on a dead letter; AMQP header tables are limited to 64 KiB. */
const MAX_ERROR_CHARS = 2000;

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Attempt number from the quorum queue's count of earlier returns of this message. */
function attemptOf(m: AmqpMessage): number {
  const count = m.properties.headers?.['x-delivery-count'];
  return typeof count === 'number' && count > 0 ? count + 1 : 1;
}

/**
 * One `consume` or `subscribe` call: its own channel (so prefetch is per consumer), re-attached on
 * every new connection. Acks after the handler resolves; when it throws, holds the message for a
 * short back-off and nacks it back (the quorum queue counts the attempt), or on the last attempt
 * writes it to the dead-letter queue with the error and acks it.
 */
export class AmqpConsumer {
  readonly #spec: ConsumerSpec;
  readonly #deps: ConsumerDeps;
  readonly #log: Logger;
  #names: GroupNames | undefined;
  #channel: AmqpChannel | undefined;
  #tag: string | undefined;
  #attachGen = 0;
  #attaching: Promise<void> | undefined;
  #inflight = 0;
  #idle: (() => void)[] = [];
  #cancelled = false;
  readonly #heldForRetry = new Sleeper();

  constructor(spec: ConsumerSpec, deps: ConsumerDeps) {
    this.#spec = spec;
    this.#deps = deps;
    this.#log = deps.logger;
  }

  /** Opens this consumer's channel on `s` and starts consuming; a no-op if already done for `s`. */
  attach(s: AmqpSession): Promise<void> {
    if (this.#cancelled) return Promise.resolve();
    if (this.#attachGen === s.generation && this.#attaching) return this.#attaching;
    this.#attachGen = s.generation;
    const p = this.#open(s).catch((e: unknown) => {
      if (this.#attaching === p) this.#attaching = undefined;
      throw e;
    });
    this.#attaching = p;
    return p;
  }

  /** Stops consuming, releases messages held for retry, waits for in-flight handlers, closes the channel. */
  async cancel(): Promise<void> {
    this.#cancelled = true;
    await this.#attaching?.catch(() => {});
    const ch = this.#channel;
    const tag = this.#tag;
    this.#tag = undefined;
    if (ch && tag) await ch.cancel(tag).catch(() => {});
    this.#heldForRetry.wakeAll();
    await this.#whenIdle();
    this.#channel = undefined;
    if (ch) await ch.close().catch(() => {});
  }

  async #open(s: AmqpSession): Promise<void> {
    const { topic, group, prefetch, maxAttempts } = this.#spec;
    if (group !== undefined) {
      this.#names = await declareGroup(s.conn, this.#deps.prefix, topic, group, maxAttempts, this.#log);
    }
    const ch = await openChannel(s.conn);
    ch.on('close', () => this.#channelClosed(ch, s));
    try {
      await ch.prefetch(prefetch);
      const queue = this.#names ? this.#names.queue : await declareBroadcastQueue(ch, this.#deps.prefix, topic);
      this.#channel = ch;
      const { consumerTag } = await ch.consume(queue, (m) => this.#onMessage(ch, m), { noAck: false });
      this.#tag = consumerTag;
    } catch (e) {
      await ch.close().catch(() => {});
      throw e;
    }
    if (this.#cancelled) await ch.close().catch(() => {});
  }

  #channelClosed(ch: AmqpChannel, s: AmqpSession): void {
    if (this.#channel !== ch) return;
    this.#channel = undefined;
    this.#tag = undefined;
    if (this.#cancelled) return;
    // When the whole connection went, the link re-attaches every consumer once it is back.
    setTimeout(() => {
      if (this.#cancelled || this.#deps.current() !== s || this.#channel) return;
      this.#log.warn('consumer channel closed while the connection lives; re-opening it');
      this.#attaching = undefined;
      this.attach(s).catch((e: unknown) => this.#log.error('cannot re-open consumer channel', { error: errText(e) }));
    }, CHANNEL_REOPEN_MS).unref();
  }

  #onMessage(ch: AmqpChannel, m: AmqpMessage | null): void {
    if (m === null) {
      // The broker cancelled us: the queue was deleted. Closing the channel re-declares and re-attaches.
      this.#log.warn('RabbitMQ cancelled the consumer (was its queue deleted?)');
      void ch.close().catch(() => {});
      return;
    }
    this.#inflight++;
    void this.#handle(ch, m).finally(() => {
      this.#inflight--;
      if (this.#inflight === 0) for (const wake of this.#idle.splice(0)) wake();
    });
  }

  async #handle(ch: AmqpChannel, m: AmqpMessage): Promise<void> {
    const broadcast = this.#spec.group === undefined;
    const attempt = broadcast ? 1 : attemptOf(m);
    let failure: unknown;
    let poison = false;
    try {
      let msg: unknown;
      try {
        msg = JSON.parse(m.content.toString('utf8'));
      } catch (e) {
        poison = true; // retrying cannot make it parse
        throw new Error(`message is not valid JSON: ${errText(e)}`);
      }
      await this.#spec.handler(msg, { attempt, redelivered: m.fields.redelivered || attempt > 1 });
      settle(ch, m, 'ack');
      return;
    } catch (e) {
      failure = e;
    }
    const error = errText(failure);
    if (broadcast) {
      this.#log.warn('subscriber handler failed; broadcast messages are not retried', { error });
      settle(ch, m, 'ack');
    } else if (poison || attempt >= this.#spec.maxAttempts) {
      await this.#deadLetter(ch, m, attempt, error);
    } else {
      this.#log.debug('handler failed; message will be redelivered', { attempt, error });
      await this.#holdForRetry(retryDelayMs(attempt));
      settle(ch, m, 'requeue');
    }
  }

  async #deadLetter(ch: AmqpChannel, m: AmqpMessage, attempt: number, error: string): Promise<void> {
    const names = this.#names!;
    try {
      await this.#deps.deadLetter(names.dead, m.content, {
        [ERROR_HEADER]: error.slice(0, MAX_ERROR_CHARS),
        [ATTEMPTS_HEADER]: attempt,
        'x-squall-topic': this.#spec.topic,
      });
      this.#log.warn('message dead-lettered after its last attempt', { queue: names.queue, attempt, error });
      settle(ch, m, 'ack');
    } catch (e) {
      // Not acked: the broker redelivers it, and its delivery limit dead-letters it if it comes back again.
      this.#log.error('cannot write a dead letter; returning the message', { queue: names.queue, error: errText(e) });
      settle(ch, m, 'requeue');
    }
  }

  #holdForRetry(ms: number): Promise<void> {
    return this.#heldForRetry.sleep(ms);
  }

  #whenIdle(): Promise<void> {
    if (this.#inflight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}

/**
 * Acks or requeues on the channel the message came from. That channel may have died with its
 * connection meanwhile; the broker has then already returned the message, so there is nothing to do.
 */
function settle(ch: AmqpChannel, m: AmqpMessage, how: 'ack' | 'requeue'): void {
  try {
    if (how === 'ack') ch.ack(m);
    else ch.nack(m, false, true);
  } catch {
    // channel closed: see above
  }
}
