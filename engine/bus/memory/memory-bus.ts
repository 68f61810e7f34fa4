import { SquallError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Bus, BusConfig, ConsumeOptions, Handler, Subscription, Topic, Topics } from '../bus.js';
import { resolveConsumeOptions, toJson } from '../bus-options.js';
import { MemoryQueue } from './memory-queue.js';

export interface MemoryBusOptions {
  /** How long `close()` waits for in-flight handlers before it returns anyway. @default 5000 */
  closeGraceMs?: number;
}

/** Per-topic routing: one queue per consumer group (each gets a copy) and one per subscriber. */
interface TopicRoutes {
  readonly groups: Map<string, MemoryQueue>;
  readonly subscribers: Set<MemoryQueue>;
}

/** Subscribers start handlers in publish order; this bounds how many run at once. */
const SUBSCRIBER_PREFETCH = 64;

/**
 * The in-process bus for embedded mode: the same work-queue, redelivery, dead-letter and broadcast
 * semantics as RabbitMQ within one process. Messages travel as JSON text and are parsed afresh for
 * every delivery, so no handler shares mutable state with a publisher. A group's queue exists from
 * its first `consume` on and keeps messages while it has no consumer; messages published to a topic
 * with no group and no subscriber are dropped, as a RabbitMQ exchange with no binding drops them.
 */
export async function createMemoryBus(
  cfg: Extract<BusConfig, { kind: 'memory' }> & MemoryBusOptions,
  deps: { logger: Logger },
): Promise<Bus> {
  const logger = deps.logger.child({ component: 'bus', bus: 'memory' });
  const closeGraceMs = cfg.closeGraceMs ?? 5000;
  const routes = new Map<Topic, TopicRoutes>();
  let closed = false;

  const routesOf = (topic: Topic): TopicRoutes => {
    let r = routes.get(topic);
    if (!r) {
      r = { groups: new Map(), subscribers: new Set() };
      routes.set(topic, r);
    }
    return r;
  };

  const ensureOpen = (): void => {
    if (closed) throw new SquallError('SQ_BUS_UNAVAILABLE', 'the in-process bus is closed');
  };

  const bus: Bus = {
    async publish<T extends Topic>(topic: T, msg: Topics[T]): Promise<void> {
      ensureOpen();
      const r = routes.get(topic);
      if (!r || (r.groups.size === 0 && r.subscribers.size === 0)) return;
      // Serialise once per publish: this both copies the message and rejects what RabbitMQ could not carry.
      const body = toJson(topic, msg);
      for (const q of r.groups.values()) q.enqueue(body);
      for (const q of r.subscribers) q.enqueue(body);
    },

    async consume<T extends Topic>(
      topic: T,
      group: string,
      h: Handler<Topics[T]>,
      opts: ConsumeOptions = {},
    ): Promise<Subscription> {
      ensureOpen();
      const { prefetch, maxAttempts } = resolveConsumeOptions(opts);
      const r = routesOf(topic);
      let q = r.groups.get(group);
      if (!q) {
        q = new MemoryQueue({ broadcast: false, logger: logger.child({ topic, group }) });
        r.groups.set(group, q);
      }
      const queue = q;
      const c = queue.attach({ handler: h as Handler<unknown>, prefetch, maxAttempts });
      return { cancel: () => queue.detach(c) };
    },

    async subscribe<T extends Topic>(topic: T, h: Handler<Topics[T]>): Promise<Subscription> {
      ensureOpen();
      const r = routesOf(topic);
      const q = new MemoryQueue({ broadcast: true, logger: logger.child({ topic, subscriber: true }) });
      r.subscribers.add(q);
      q.attach({ handler: h as Handler<unknown>, prefetch: SUBSCRIBER_PREFETCH, maxAttempts: 1 });
      return {
        cancel: async () => {
          // The subscriber's private queue goes away with it, like an exclusive auto-delete queue.
          r.subscribers.delete(q);
          await q.close();
        },
      };
    },

    async deadLetters(topic: Topic, group: string): Promise<{ msg: unknown; error: string }[]> {
      return routes.get(topic)?.groups.get(group)?.deadLetters ?? [];
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      const queues = [...routes.values()].flatMap((r) => [...r.groups.values(), ...r.subscribers]);
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), closeGraceMs);
      });
      const outcome = await Promise.race([Promise.all(queues.map((q) => q.close())), grace]);
      clearTimeout(timer);
      if (outcome === 'timeout') logger.warn('closed the bus with handlers still running', { closeGraceMs });
      routes.clear();
    },
  };
  return bus;
}
