import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay } from '../../../lib/backoff.js';
import { SquallError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Bus, BusConfig, ConsumeOptions, Handler, Subscription, Topic, Topics } from '../bus.js';
import { resolveConsumeOptions, toJson } from '../bus-options.js';
import { AmqpConsumer, type ConsumerSpec } from './amqp-consumer.js';
import { readDeadLetters } from './amqp-dead-letters.js';
import { AmqpLink, type AmqpSession } from './amqp-link.js';
import { DEFAULT_PREFIX, declareExchange, groupNames } from './amqp-topology.js';
import type { AmqpConfirmChannel, AmqpPublishOptions, AmqpTable } from './amqp-types.js';

export interface AmqpBusOptions {
  /** How long the broker may take to confirm a publish before it is kept back for a retry. @default 15000 */
  publishTimeoutMs?: number;
  /**
   * Messages kept in the process while the broker is unreachable, sent in order when it is back;
   * past this a publish fails at once with SQ_BUS_UNAVAILABLE. @default 100000
   */
  maxPendingPublishes?: number;
  /** How long the first connection may take, retries included, before `createAmqpBus` fails. @default 30000 */
  connectTimeoutMs?: number;
  /** First delay before reconnecting after the connection dropped. @default 100 */
  reconnectInitialDelayMs?: number;
  /** Cap on the (doubling, jittered) reconnect delay: work accepted meanwhile starts this soon after the broker is back. @default 5000 */
  reconnectMaxDelayMs?: number;
  /** How long `close()` waits for in-flight handlers before closing the connection anyway. @default 5000 */
  closeGraceMs?: number;
}

export type AmqpBusConfig = Extract<BusConfig, { kind: 'amqp' }> & AmqpBusOptions;

interface ResolvedAmqpBusConfig extends Required<AmqpBusOptions> {
  readonly url: string;
  readonly prefix: string;
}

/** Subscribers' handlers start in publish order; this bounds how many of them run at once. */
const SUBSCRIBER_PREFETCH = 64;

function resolve(cfg: AmqpBusConfig): ResolvedAmqpBusConfig {
  return Object.freeze({
    url: cfg.url,
    prefix: cfg.prefix ?? DEFAULT_PREFIX,
    publishTimeoutMs: cfg.publishTimeoutMs ?? 15_000,
    maxPendingPublishes: cfg.maxPendingPublishes ?? 100_000,
    connectTimeoutMs: cfg.connectTimeoutMs ?? 30_000,
    reconnectInitialDelayMs: cfg.reconnectInitialDelayMs ?? 100,
    reconnectMaxDelayMs: cfg.reconnectMaxDelayMs ?? 5_000,
    closeGraceMs: cfg.closeGraceMs ?? 5_000,
  });
}

/** One publish on the confirm channel, settled by the broker's confirm or, failing that, by `ms`. */
function publishConfirmed(
  ch: AmqpConfirmChannel,
  exchange: string,
  key: string,
  content: Buffer,
  opts: AmqpPublishOptions,
  ms: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no publisher confirm in time')), ms);
    const done = (err: unknown): void => {
      clearTimeout(timer);
      if (err) reject(err instanceof Error ? err : new Error(`message refused by RabbitMQ: ${String(err)}`));
      else resolve();
    };
    try {
      ch.publish(exchange, key, content, opts, done);
    } catch (e) {
      done(e); // the channel closed under us
    }
  });
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** A publish kept back while the broker is away. */
interface PendingPublish {
  exchange: string;
  key: string;
  content: Buffer;
  opts: AmqpPublishOptions;
}

/** Kept-back publishes sent at once when the broker is back: each batch waits for its confirms. */
const FLUSH_BATCH = 512;

/**
 * The RabbitMQ bus (cluster mode): a durable topic exchange, a durable quorum queue per consumer
 * group, persistent messages with publisher confirms, per-consumer prefetch, dead-lettering after
 * `maxAttempts`, and exclusive auto-delete queues for broadcast. Survives broker restarts: the
 * connection is re-established with back-off, topology re-declared and every consumer and
 * subscription re-attached. Publishes made while the broker is away do not wait for it: they are
 * kept in order in the process (up to `maxPendingPublishes`) and sent as soon as the connection is
 * back, so the API answers at its usual speed during an outage and `health()` says `degraded`.
 * Delivery is at least once: a handler may see a message again after a crash.
 */
export async function createAmqpBus(cfg: AmqpBusConfig, deps: { logger: Logger }): Promise<Bus> {
  const c = resolve(cfg);
  const logger = deps.logger.child({ component: 'bus', bus: 'amqp', prefix: c.prefix });
  const consumers = new Set<AmqpConsumer>();
  let closed = false;

  const link = await AmqpLink.open({
    url: c.url,
    connectionName: `squall ${c.prefix} pid ${process.pid}`,
    initialDelayMs: c.reconnectInitialDelayMs,
    maxDelayMs: c.reconnectMaxDelayMs,
    connectTimeoutMs: c.connectTimeoutMs,
    logger,
    async onOpen(s: AmqpSession) {
      await declareExchange(s.publisher, c.prefix);
      for (const consumer of consumers) await consumer.attach(s);
    },
  });

  const pending: PendingPublish[] = [];
  let flushing: Promise<void> | undefined;

  function keepBack(m: PendingPublish): void {
    if (pending.length >= c.maxPendingPublishes) {
      throw new SquallError(
        'SQ_BUS_UNAVAILABLE',
        `RabbitMQ is unreachable and ${pending.length} messages already wait for it; not accepting more`,
      );
    }
    if (pending.length === 0) logger.warn('RabbitMQ unreachable: keeping publishes until it is back', { topic: m.key });
    pending.push(m);
    flushing ??= flush().finally(() => {
      flushing = undefined;
    });
  }

  /** Sends the kept-back publishes in order once a connection is open; a failed batch stays at the front. */
  async function flush(): Promise<void> {
    for (let tries = 0; pending.length > 0 && !closed; ) {
      let s: AmqpSession;
      try {
        s = await link.session(Date.now() + 60_000);
      } catch {
        continue; // still away (or closed: the loop ends)
      }
      const batch = pending.slice(0, FLUSH_BATCH);
      const sent = await Promise.allSettled(
        batch.map((m) => publishConfirmed(s.publisher, m.exchange, m.key, m.content, m.opts, c.publishTimeoutMs)),
      );
      const failed = batch.filter((_, i) => sent[i]?.status === 'rejected');
      pending.splice(0, batch.length, ...failed);
      if (failed.length === 0) {
        tries = 0;
        if (pending.length === 0) logger.info('RabbitMQ is back: kept-back publishes sent');
        continue;
      }
      logger.debug('kept-back publishes not confirmed; retrying', { failed: failed.length });
      await sleep(backoffDelay(++tries, { baseMs: 50, maxMs: 1000 }));
    }
  }

  /**
   * Publishes with confirm on the open connection. While the broker is away, or when its confirm is
   * lost or late, the message is kept back and sent on reconnect instead of making the caller wait.
   */
  async function publishReliably(exchange: string, key: string, content: Buffer, headers?: AmqpTable): Promise<void> {
    const m: PendingPublish = {
      exchange,
      key,
      content,
      opts: { persistent: true, contentType: 'application/json', ...(headers && { headers }) },
    };
    const s = link.current;
    // Behind earlier kept-back messages, so that messages leave in the order they were published.
    if (!s || pending.length > 0) return keepBack(m);
    try {
      await publishConfirmed(s.publisher, exchange, key, content, m.opts, c.publishTimeoutMs);
    } catch (e) {
      if (closed) throw new SquallError('SQ_BUS_UNAVAILABLE', 'the RabbitMQ bus is closed', { cause: e });
      logger.debug('publish not confirmed; keeping it back for a retry', { topic: key, error: errText(e) });
      keepBack(m);
    }
  }

  async function start(spec: ConsumerSpec): Promise<Subscription> {
    if (closed) throw new SquallError('SQ_BUS_UNAVAILABLE', 'the RabbitMQ bus is closed');
    const consumer = new AmqpConsumer(spec, {
      prefix: c.prefix,
      logger: logger.child({ topic: spec.topic, ...(spec.group !== undefined && { group: spec.group }) }),
      current: () => link.current,
      deadLetter: (queue, content, headers) => publishReliably('', queue, content, headers),
    });
    consumers.add(consumer);
    const s = await link.session(Date.now() + c.publishTimeoutMs).catch((e: unknown) => {
      consumers.delete(consumer);
      throw e;
    });
    try {
      await consumer.attach(s);
    } catch (e) {
      // If the connection dropped meanwhile, the reconnect attaches the consumer; otherwise it is a real error.
      if (link.current?.generation === s.generation) {
        consumers.delete(consumer);
        throw new SquallError('SQ_BUS_UNAVAILABLE', `cannot consume ${spec.topic}: ${errText(e)}`, { cause: e });
      }
    }
    return {
      cancel: async () => {
        consumers.delete(consumer);
        await consumer.cancel();
      },
    };
  }

  return {
    async publish<T extends Topic>(topic: T, msg: Topics[T]): Promise<void> {
      if (closed) throw new SquallError('SQ_BUS_UNAVAILABLE', 'the RabbitMQ bus is closed');
      await publishReliably(c.prefix, topic, Buffer.from(toJson(topic, msg)));
    },

    async consume<T extends Topic>(
      topic: T,
      group: string,
      h: Handler<Topics[T]>,
      opts: ConsumeOptions = {},
    ): Promise<Subscription> {
      const { prefetch, maxAttempts } = resolveConsumeOptions(opts);
      return start({ topic, group, handler: h as Handler<unknown>, prefetch, maxAttempts });
    },

    async subscribe<T extends Topic>(topic: T, h: Handler<Topics[T]>): Promise<Subscription> {
      return start({
        topic,
        group: undefined,
        handler: h as Handler<unknown>,
        prefetch: SUBSCRIBER_PREFETCH,
        maxAttempts: 1,
      });
    },

    health() {
      return { status: link.isOpen && pending.length === 0 ? 'ok' : 'degraded', pending: pending.length };
    },

    async deadLetters(topic: Topic, group: string): Promise<{ msg: unknown; error: string }[]> {
      const s = await link.session(Date.now() + c.publishTimeoutMs);
      return readDeadLetters(s.conn, groupNames(c.prefix, topic, group).dead);
    },

    async close(): Promise<void> {
      if (closed) return;
      // Kept-back messages get the grace to reach a broker that is back; what remains is recovered
      // from the store by the sweepers of whichever process runs next.
      if (flushing) {
        await Promise.race([flushing, sleep(link.isOpen ? c.closeGraceMs : 0)]);
        if (pending.length > 0)
          logger.warn('closing with publishes RabbitMQ never confirmed', { pending: pending.length });
      }
      closed = true;
      const all = [...consumers];
      consumers.clear();
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), c.closeGraceMs);
      });
      const outcome = await Promise.race([Promise.all(all.map((x) => x.cancel())), grace]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        logger.warn('closing the RabbitMQ bus with handlers still running; their messages will be redelivered', {
          closeGraceMs: c.closeGraceMs,
        });
      }
      await link.close();
    },
  };
}
