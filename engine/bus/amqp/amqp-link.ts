import { connect } from 'amqplib';
import { backoffDelay } from '../../../lib/backoff.js';
import { Sleeper } from '../../../lib/sleeper.js';
import { SquallError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { metrics } from '../../metrics/metrics.js';
import type { AmqpConfirmChannel, AmqpConnect, AmqpConnection } from './amqp-types.js';

/** One connection's worth of broker state; a reconnect makes a new one. */
export interface AmqpSession {
  readonly conn: AmqpConnection;
  /** Confirm channel shared by every publish on this connection. */
  readonly publisher: AmqpConfirmChannel;
  /** Increases with every (re)connect, so stale callbacks can tell they belong to a dead connection. */
  readonly generation: number;
}

export interface AmqpLinkOptions {
  url: string;
  /** Shown by the broker as the connection's name. */
  connectionName: string;
  /** First reconnect delay in ms. */
  initialDelayMs: number;
  /** Cap on the reconnect delay in ms. */
  maxDelayMs: number;
  /** How long the first connection may take (with retries) before start-up fails. */
  connectTimeoutMs: number;
  logger: Logger;
  /** Runs on every (re)connect before the link counts as open: declare topology, re-attach consumers. */
  onOpen(session: AmqpSession): Promise<void>;
}

/**
 * States of the link:
 * - `connecting`: no usable connection; a reconnect loop is running and publishes wait.
 * - `open`: `session` is usable.
 * - `closed`: `close()` was called; every wait rejects.
 */
type LinkState = 'connecting' | 'open' | 'closed';

const connectAmqp = connect as unknown as AmqpConnect;

/** Reconnect delay: capped doubling with "equal jitter" (half fixed, half random). */
const reconnectDelay = (attempt: number, o: AmqpLinkOptions): number =>
  backoffDelay(attempt, { baseMs: o.initialDelayMs, maxMs: o.maxDelayMs, jitter: 'equal' });

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Owns the connection to RabbitMQ: connects, notices when the connection drops (broker restart,
 * network, forced close), reconnects with capped, jittered exponential back-off, and runs `onOpen`
 * on each new connection. amqplib 2's own opt-in recovery is not used because the bus needs to know
 * exactly when a connection is usable again (publishes wait for it) and to rebuild per-consumer
 * channels in one place, which a setup hook on an opaque recovering model does not make simpler.
 */
export class AmqpLink {
  readonly #opts: AmqpLinkOptions;
  readonly #log: Logger;
  #state: LinkState = 'connecting';
  #session: AmqpSession | undefined;
  #generation = 0;
  /** Publishes waiting for the link to open (or close). */
  readonly #waiters = new Sleeper();
  /** The reconnect loop's pause between attempts, cut short by `close()`. */
  readonly #pause = new Sleeper();

  protected constructor(opts: AmqpLinkOptions) {
    this.#opts = opts;
    this.#log = opts.logger;
  }

  /** Connects (retrying for up to `connectTimeoutMs`) and resolves with an open link. */
  static async open(opts: AmqpLinkOptions): Promise<AmqpLink> {
    const link = new AmqpLink(opts);
    const until = Date.now() + opts.connectTimeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        link.#becomeOpen(await link.#connectOnce());
        return link;
      } catch (e) {
        const delay = reconnectDelay(attempt, opts);
        if (Date.now() + delay > until) {
          link.#state = 'closed';
          throw new SquallError('SQ_BUS_UNAVAILABLE', `cannot connect to RabbitMQ: ${errText(e)}`, { cause: e });
        }
        link.#log.warn('cannot connect to RabbitMQ yet; retrying', { attempt, delayMs: delay, error: errText(e) });
        await link.#pause.sleep(delay);
      }
    }
  }

  get isOpen(): boolean {
    return this.#state === 'open';
  }

  /** The open session, if there is one right now. */
  get current(): AmqpSession | undefined {
    return this.#state === 'open' ? this.#session : undefined;
  }

  /** The open session, waiting for a reconnect until `deadline` (epoch ms); then SQ_BUS_UNAVAILABLE. */
  async session(deadline: number): Promise<AmqpSession> {
    for (;;) {
      if (this.#state === 'closed') throw new SquallError('SQ_BUS_UNAVAILABLE', 'the RabbitMQ bus is closed');
      if (this.#state === 'open' && this.#session) return this.#session;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new SquallError('SQ_BUS_UNAVAILABLE', 'RabbitMQ is unreachable and did not come back in time');
      }
      await this.#waiters.sleep(left);
    }
  }

  /** Closes the connection for good; waiting publishes reject with SQ_BUS_UNAVAILABLE. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#pause.wakeAll();
    this.#waiters.wakeAll();
    const s = this.#session;
    this.#session = undefined;
    if (s) await s.conn.close().catch(() => {});
  }

  async #connectOnce(): Promise<AmqpSession> {
    const { url, connectionName } = this.#opts;
    const conn = await connectAmqp(url, { clientProperties: { connection_name: connectionName }, timeout: 10_000 });
    let dead = false;
    // amqplib emits 'error' before 'close' when the broker closes with an error; 'close' does the work.
    conn.on('error', (err) => this.#log.debug('RabbitMQ connection error', { error: err.message }));
    conn.on('blocked', (reason) => this.#log.warn('RabbitMQ blocked publishing (resource alarm)', { reason }));
    conn.on('unblocked', () => this.#log.info('RabbitMQ unblocked publishing'));
    let ready: AmqpSession | undefined;
    conn.on('close', (err) => {
      dead = true;
      if (ready && this.#session === ready) this.#lost(err);
    });
    try {
      const publisher = await conn.createConfirmChannel();
      publisher.on('error', (err) => this.#log.warn('RabbitMQ publish channel error', { error: err.message }));
      publisher.on('close', () => {
        // The connection outliving its publish channel is rare (a broker-side channel error);
        // restarting the whole connection rebuilds everything in one well-tested path.
        if (!dead && ready && this.#session === ready) void conn.close().catch(() => {});
      });
      ready = { conn, publisher, generation: ++this.#generation };
      await this.#opts.onOpen(ready);
      if (dead) throw new Error('connection closed while declaring topology');
      return ready;
    } catch (e) {
      await conn.close().catch(() => {});
      throw e;
    }
  }

  #becomeOpen(s: AmqpSession): void {
    this.#session = s;
    this.#state = 'open';
    this.#waiters.wakeAll();
  }

  #lost(err: Error | undefined): void {
    if (this.#state !== 'open') return;
    this.#state = 'connecting';
    this.#session = undefined;
    this.#log.warn('lost the RabbitMQ connection; reconnecting', { error: err?.message ?? 'closed' });
    void this.#reconnect();
  }

  async #reconnect(): Promise<void> {
    const since = Date.now();
    for (let attempt = 1; this.#state === 'connecting'; attempt++) {
      await this.#pause.sleep(reconnectDelay(attempt, this.#opts));
      if (this.#state !== 'connecting') return;
      try {
        const s = await this.#connectOnce();
        if (this.#state !== 'connecting') {
          await s.conn.close().catch(() => {});
          return;
        }
        this.#becomeOpen(s);
        metrics.busReconnected();
        this.#log.info('RabbitMQ connection recovered', { attempts: attempt, downtimeMs: Date.now() - since });
        return;
      } catch (e) {
        this.#log.warn('RabbitMQ reconnect attempt failed', { attempt, error: errText(e) });
      }
    }
  }
}
