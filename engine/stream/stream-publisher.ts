import type { Bus, StreamBroadcast } from '../bus/bus.js';
import type { ExecutionEvents } from '../executions/status-events.js';
import type { Logger } from '../logger.js';
import { metrics } from '../metrics/metrics.js';
import type { Execution } from '../model/execution.js';
import type { JsonObject } from '../model/json.js';
import type { StreamEvent } from '../store/event-repo.js';
import type { Store } from '../store/store.js';

/**
 * Writes public stream events (StackStorm's names: `st2.execution__create`, `st2.execution__update`,
 * `st2.execution_output__create`, `st2.announcement__<route>`) to the store, which gives them their
 * resumable ids, then broadcasts them to every API process for its SSE clients.
 *
 * Writes are queued, not awaited by the caller: the stream must never slow an execution down, and
 * the queue keeps events in order.
 */
/** Events per broadcast message at most. */
const MAX_BATCH = 500;

export class StreamPublisher implements ExecutionEvents {
  #chain: Promise<void> = Promise.resolve();
  #pending = 0;
  #draining = false;
  readonly #queue: { event: string; data: JsonObject; stored: Promise<StreamEvent> | undefined }[] = [];
  readonly #log: Logger;

  constructor(
    private readonly deps: {
      store: Store;
      bus: Bus;
      logger: Logger;
      present: (e: Execution) => JsonObject;
      /**
       * The store gives `events.append` calls ids in the order they were made, even when they overlap
       * (SQLite's group commit does). Then appends start at once and share commits, instead of one
       * append per commit, which lets the stream keep up with thousands of executions a second;
       * broadcasts still go out one by one in order. Leave it off for a store whose ids may be handed
       * out in another order (a MongoDB counter under concurrent calls). @default false
       */
      orderedAppends?: boolean;
    },
  ) {
    this.#log = deps.logger.child({ component: 'stream' });
  }

  created(e: Execution): void {
    metrics.executionChanged(e);
    this.emit('st2.execution__create', this.deps.present(e));
  }

  updated(e: Execution): void {
    metrics.executionChanged(e);
    this.emit('st2.execution__update', this.deps.present(e));
  }

  output(
    e: Pick<Execution, 'id' | 'action' | 'runner_type'>,
    c: { stream: 'stdout' | 'stderr'; data: string; seq: number; timestamp: string },
  ): void {
    this.emit('st2.execution_output__create', {
      id: String(c.seq),
      execution_id: e.id,
      action_ref: e.action.ref,
      runner_ref: e.runner_type,
      timestamp: c.timestamp,
      output_type: c.stream,
      data: c.data,
    });
  }

  /** An announcement for chat clients that listen on the stream (the remote terminal shell, hubot-style bots). */
  announce(route: string, payload: JsonObject): void {
    this.emit(`st2.announcement__${route}`, { payload });
  }

  emit(event: string, data: JsonObject): void {
    this.#pending++;
    let stored: Promise<StreamEvent> | undefined;
    if (this.deps.orderedAppends) {
      stored = this.deps.store.events.append({ event, data });
      stored.catch(() => {}); // reported in order below
    }
    this.#queue.push({ event, data, stored });
    if (!this.#draining) {
      this.#draining = true;
      this.#chain = this.#chain.then(() => this.#drain());
    }
  }

  /** Writes queued events in order and broadcasts whatever is ready as one batch per round. */
  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, MAX_BATCH);
        const out: StreamBroadcast[] = [];
        for (const item of batch) {
          try {
            const s = await (item.stored ?? this.deps.store.events.append({ event: item.event, data: item.data }));
            out.push({ id: s.id, event: item.event, data: item.data });
          } catch (err) {
            this.#log.warn('could not store stream event', { event: item.event, error: (err as Error).message });
          }
        }
        try {
          if (out.length > 0) await this.deps.bus.publish('stream.events', { events: out });
        } catch (err) {
          this.#log.warn('could not broadcast stream events', { count: out.length, error: (err as Error).message });
        } finally {
          this.#pending -= batch.length;
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  /** Events queued but not yet written. */
  get backlog(): number {
    return this.#pending;
  }

  /** Resolves when every queued event is written (shutdown, tests). */
  drain(): Promise<void> {
    return this.#chain;
  }
}
