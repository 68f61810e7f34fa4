import type { Logger } from '../logger.js';
import type { Execution } from '../model/execution.js';
import type { JsonObject } from '../model/json.js';

/** A chat notification: the bot's notify consumer renders it and posts where the command came from. */
export interface ChatNotification {
  execution_id: string;
  /** The route from `notify` (for example `chat`, `slack`). */
  route: string;
  /** Rendered notify message, if the notify section had one. */
  message?: string;
  data?: JsonObject;
}

/** A stream event to fan out to SSE clients (already stored with its id). */
export interface StreamBroadcast {
  id: number;
  event: string;
  data: JsonObject;
}

/** Every topic and the shape of its message. Messages are JSON. */
export interface Topics {
  /** A new (or re-published) execution for the scheduler. */
  'execution.requested': { id: string };
  /** An execution the scheduler accepted; one runner claims it. */
  'execution.scheduled': { id: string };
  /** Broadcast: whichever runner holds this execution kills it. */
  'execution.cancel': { id: string };
  /**
   * An execution reached a terminal state; the notifier consumes it once, the workflows role too.
   * `parent` (see completedMessage) lets the workflows role skip executions outside any workflow
   * without reading them: null means none; a message without the key (from an older version) is looked up.
   */
  'execution.completed': { id: string; parent?: string | null };
  /** Broadcast: live output while an action runs. */
  'execution.output': { execution_id: string; stream: 'stdout' | 'stderr'; data: string; seq: number };
  /** Broadcast: a stored stream event for SSE clients (kept for tools; Squall itself sends batches). */
  'stream.event': StreamBroadcast;
  /**
   * Broadcast: stored stream events in id order, batched. One message per batch keeps the broker's
   * work per execution small on RabbitMQ when thousands of executions change state each second.
   */
  'stream.events': { events: StreamBroadcast[] };
  /** Work queue: a result or notification for the chat bot to post. */
  'notify.chat': ChatNotification;
  /** Work queue: a post `chatops.post_message`/`post_result` stored in the outbox (`id`) for the bot to send. */
  'chat.post': { id: string; request: JsonObject };
  /**
   * Work queue: a stored trigger instance for the rules engine, by id. The instance is stored before
   * this is published (engine/triggers/trigger-dispatcher.ts), so a lost message loses nothing.
   */
  'trigger.instance': { id: string };
  /**
   * Broadcast: rules were created, changed or deleted (the API, pack registration); rules engines
   * reload them. Engines also reload now and then, so a lost broadcast only delays a change.
   */
  'rules.changed': { at: string };
  /**
   * Work queue: a workflow execution was asked to pause or resume (its status says which); the
   * workflows role brings its conductor along. Recovery does the same, so a lost message only delays.
   */
  'workflow.changed': { id: string };
  /**
   * Work queue: an execution is waiting for a person (an inquiry, `pending`); the workflows role
   * pauses its workflow. Recovery does the same, so a lost message only delays the pause.
   */
  'execution.pending': { id: string };
}

export type Topic = keyof Topics;

/** The `execution.completed` message for a finished execution (every publisher sends this shape). */
export function completedMessage(e: Pick<Execution, 'id' | 'parent'>): Topics['execution.completed'] {
  return { id: e.id, parent: e.parent ?? null };
}

export interface Delivery {
  /** 1 on first delivery. */
  attempt: number;
  redelivered: boolean;
}

export type Handler<M> = (msg: M, d: Delivery) => Promise<void>;

export interface Subscription {
  /** Stops delivering to this handler; in-flight messages finish. */
  cancel(): Promise<void>;
}

export interface ConsumeOptions {
  /** Messages handled at once by this consumer. @default 16 */
  prefetch?: number;
  /** Attempts before a message goes to the dead-letter queue. @default 5 */
  maxAttempts?: number;
}

/** What `/health` says about the bus. */
export interface BusHealth {
  /** `degraded`: the broker is unreachable; publishes wait in this process for its return. */
  status: 'ok' | 'degraded';
  /** Messages published while the broker was away and not yet confirmed by it. */
  pending: number;
}

/**
 * The Bus carries messages between roles. `consume` is a work queue (one consumer of a group gets
 * each message; ack after the handler resolves; redelivery when it throws or the process dies;
 * dead-letter after `maxAttempts`). `subscribe` is a broadcast to every subscriber.
 */
export interface Bus {
  /**
   * Resolves after the broker confirmed the message or, while the broker is unreachable, once the
   * message waits in this process to be sent when it is back (every message describes something
   * already stored, so a process dying with messages waiting loses no work: the sweepers find it).
   * Rejects with SQ_BUS_UNAVAILABLE when the bus is closed or too many messages already wait.
   */
  publish<T extends Topic>(topic: T, msg: Topics[T]): Promise<void>;
  consume<T extends Topic>(
    topic: T,
    group: string,
    h: Handler<Topics[T]>,
    opts?: ConsumeOptions,
  ): Promise<Subscription>;
  subscribe<T extends Topic>(topic: T, h: Handler<Topics[T]>): Promise<Subscription>;
  /** Messages that exhausted their attempts, for inspection (topic, group, message, last error). */
  deadLetters?(topic: Topic, group: string): Promise<{ msg: unknown; error: string }[]>;
  /** Whether the broker is reachable now (buses without a broker are always `ok`). */
  health?(): BusHealth;
  close(): Promise<void>;
}

export type BusConfig = { kind: 'memory' } | { kind: 'amqp'; url: string; prefix?: string };

export type BusFactory = (cfg: BusConfig, deps: { logger: Logger }) => Promise<Bus>;
