import { backoffDelay } from '../../../lib/backoff.js';
import type { Logger } from '../../logger.js';
import type { Delivery } from '../bus.js';
import { Deque } from './memory-deque.js';

/** A message waiting in a queue: the JSON text (parsed afresh for every delivery) and its attempt number. */
interface Envelope {
  readonly body: string;
  readonly attempt: number;
}

/** One handler attached to a queue. */
export interface QueueConsumer {
  readonly handler: (msg: unknown, d: Delivery) => Promise<void>;
  readonly prefetch: number;
  readonly maxAttempts: number;
}

/** A consumer attached to a queue, with its in-flight count; the handle `detach` takes. */
export interface ConsumerState extends QueueConsumer {
  inflight: number;
  active: boolean;
  onIdle: (() => void) | undefined;
}

export interface DeadLetter {
  msg: unknown;
  error: string;
}

export interface MemoryQueueOptions {
  /** Broadcast queues (one per subscriber) drop a message whose handler throws instead of retrying it. */
  broadcast: boolean;
  logger: Logger;
}

/** Redelivery back-off: 10 ms, 20 ms, 40 ms ... capped at one second, so a failing handler does not spin. */
const backoffMs = (attempt: number): number => backoffDelay(attempt, { baseMs: 10, maxMs: 1000 });

/** Dead letters kept per group; older ones are dropped (and logged) past this. */
const MAX_DEAD_LETTERS = 10_000;

/**
 * One work queue: a consumer group, or a single subscriber's private copy of a broadcast topic.
 * Dispatch runs in one pass per event-loop turn (never a timer per message; `setImmediate` for work
 * queues, so that I/O runs between passes, a microtask for broadcasts, see #schedule), and gives
 * messages round-robin to consumers with free prefetch slots.
 */
export class MemoryQueue {
  readonly #backlog = new Deque<Envelope>();
  readonly #consumers: ConsumerState[] = [];
  readonly #retryTimers = new Set<NodeJS.Timeout>();
  readonly #dead: DeadLetter[] = [];
  readonly #opts: MemoryQueueOptions;
  #next = 0;
  #scheduled = false;
  #closed = false;

  constructor(opts: MemoryQueueOptions) {
    this.#opts = opts;
  }

  /** Messages waiting for a free consumer (not counting those in flight or waiting to be retried). */
  get backlog(): number {
    return this.#backlog.length;
  }

  get deadLetters(): DeadLetter[] {
    return this.#dead.slice();
  }

  enqueue(body: string): void {
    this.#backlog.push({ body, attempt: 1 });
    this.#schedule();
  }

  attach(c: QueueConsumer): ConsumerState {
    const state: ConsumerState = { ...c, inflight: 0, active: true, onIdle: undefined };
    this.#consumers.push(state);
    this.#schedule();
    return state;
  }

  /** Stops giving messages to `c`; resolves once its in-flight handlers have settled. */
  detach(c: ConsumerState): Promise<void> {
    c.active = false;
    const i = this.#consumers.indexOf(c);
    if (i >= 0) this.#consumers.splice(i, 1);
    if (c.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const prev = c.onIdle;
      c.onIdle = () => {
        prev?.();
        resolve();
      };
    });
  }

  /** Detaches every consumer and drops pending retries; resolves when in-flight handlers settle. */
  close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#retryTimers) clearTimeout(t);
    this.#retryTimers.clear();
    this.#backlog.clear();
    return Promise.all(this.#consumers.slice().map((c) => this.detach(c))).then(() => undefined);
  }

  #schedule(): void {
    if (this.#scheduled || this.#closed || this.#backlog.length === 0 || this.#consumers.length === 0) return;
    this.#scheduled = true;
    // A broadcast reaches its subscribers before anything the publisher does next: a rules change
    // announced before a PUT answers must be seen by the rules engine before a trigger instance
    // dispatched after that answer, and immediates of different queues do not keep publish order
    // (a work queue's pass already scheduled delivers a message published after the broadcast).
    // Work queues stay on setImmediate, so that a long backlog lets I/O run between passes.
    if (this.#opts.broadcast) queueMicrotask(this.#dispatch);
    else setImmediate(this.#dispatch);
  }

  readonly #dispatch = (): void => {
    this.#scheduled = false;
    const cs = this.#consumers;
    while (this.#backlog.length > 0 && cs.length > 0) {
      let chosen: ConsumerState | undefined;
      for (let i = 0; i < cs.length; i++) {
        const idx = (this.#next + i) % cs.length;
        const c = cs[idx]!;
        if (c.inflight < c.prefetch) {
          chosen = c;
          this.#next = (idx + 1) % cs.length;
          break;
        }
      }
      if (!chosen) return; // every consumer is full; a settling handler schedules the next pass
      this.#deliver(chosen, this.#backlog.shift()!);
    }
  };

  #deliver(c: ConsumerState, env: Envelope): void {
    c.inflight++;
    let result: Promise<void>;
    try {
      // A fresh parse per delivery: handlers never share objects with the publisher or each other.
      result = Promise.resolve(c.handler(JSON.parse(env.body), { attempt: env.attempt, redelivered: env.attempt > 1 }));
    } catch (e) {
      result = Promise.reject(e);
    }
    result.then(
      () => this.#settled(c),
      (e: unknown) => {
        this.#failed(c, env, e);
        this.#settled(c);
      },
    );
  }

  #settled(c: ConsumerState): void {
    c.inflight--;
    if (c.inflight === 0 && !c.active) {
      const idle = c.onIdle;
      c.onIdle = undefined;
      idle?.();
    }
    this.#schedule();
  }

  #failed(c: ConsumerState, env: Envelope, e: unknown): void {
    const error = e instanceof Error ? e.message : String(e);
    const log = this.#opts.logger;
    if (this.#opts.broadcast) {
      log.warn('subscriber handler failed; broadcast messages are not retried', { error });
      return;
    }
    if (env.attempt >= c.maxAttempts) {
      if (this.#dead.length >= MAX_DEAD_LETTERS) {
        this.#dead.shift();
        log.warn('dead-letter list full; dropped the oldest entry', { max: MAX_DEAD_LETTERS });
      }
      this.#dead.push({ msg: JSON.parse(env.body), error });
      log.warn('message dead-lettered after its last attempt', { attempt: env.attempt, error });
      return;
    }
    if (this.#closed) return;
    log.debug('handler failed; message will be redelivered', { attempt: env.attempt, error });
    const timer = setTimeout(() => {
      this.#retryTimers.delete(timer);
      if (this.#closed) return;
      this.#backlog.unshift({ body: env.body, attempt: env.attempt + 1 });
      this.#schedule();
    }, backoffMs(env.attempt));
    this.#retryTimers.add(timer);
  }
}
