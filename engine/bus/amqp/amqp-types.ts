/**
 * The slice of amqplib 2's promise API that the RabbitMQ bus uses, declared here so that the rest of
 * the adapter depends on these few members rather than on the whole driver surface.
 */

/** Table of AMQP headers or queue arguments. */
export type AmqpTable = Record<string, unknown>;

export interface AmqpMessage {
  content: Buffer;
  fields: { deliveryTag: number; redelivered: boolean; routingKey: string };
  properties: { headers?: AmqpTable | undefined };
}

export interface AmqpPublishOptions {
  persistent?: boolean;
  contentType?: string;
  headers?: AmqpTable;
}

export interface AmqpQueueOptions {
  durable?: boolean;
  exclusive?: boolean;
  autoDelete?: boolean;
  arguments?: AmqpTable;
}

export interface AmqpQueueReply {
  queue: string;
  messageCount: number;
  consumerCount: number;
}

/** Events the adapter listens to on connections and channels. */
export interface AmqpEmitter {
  on(event: 'close', listener: (err?: Error) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'blocked', listener: (reason: string) => void): this;
  on(event: 'unblocked', listener: () => void): this;
}

export interface AmqpChannel extends AmqpEmitter {
  close(): Promise<void>;
  assertExchange(name: string, type: 'topic', opts: { durable: boolean }): Promise<unknown>;
  assertQueue(name: string, opts: AmqpQueueOptions): Promise<AmqpQueueReply>;
  /** Passive declare: rejects (and closes the channel) when the queue does not exist. */
  checkQueue(name: string): Promise<AmqpQueueReply>;
  bindQueue(queue: string, exchange: string, routingKey: string): Promise<unknown>;
  deleteQueue(name: string): Promise<unknown>;
  deleteExchange(name: string): Promise<unknown>;
  prefetch(count: number): Promise<unknown>;
  /** `null` is delivered when the broker cancels the consumer (its queue was deleted). */
  consume(
    queue: string,
    onMessage: (m: AmqpMessage | null) => void,
    opts: { noAck: boolean },
  ): Promise<{ consumerTag: string }>;
  cancel(consumerTag: string): Promise<unknown>;
  get(queue: string, opts: { noAck: boolean }): Promise<AmqpMessage | false>;
  /** Throws IllegalOperationError synchronously when the channel is already closed. */
  ack(m: AmqpMessage): void;
  nack(m: AmqpMessage, allUpTo: boolean, requeue: boolean): void;
}

export interface AmqpConfirmChannel extends AmqpChannel {
  /** The callback runs once the broker confirmed (err null) or refused or lost (err set) the message. */
  publish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    opts: AmqpPublishOptions,
    callback: (err: unknown) => void,
  ): boolean;
}

export interface AmqpConnection extends AmqpEmitter {
  createChannel(): Promise<AmqpChannel>;
  createConfirmChannel(): Promise<AmqpConfirmChannel>;
  close(): Promise<void>;
}

export interface AmqpSocketOptions {
  /** Shown by the broker (`rabbitmqctl list_connections client_properties`) as the connection's name. */
  clientProperties?: { connection_name: string };
  /** Socket connect timeout in ms. */
  timeout?: number;
}

export type AmqpConnect = (url: string, socketOptions: AmqpSocketOptions) => Promise<AmqpConnection>;
