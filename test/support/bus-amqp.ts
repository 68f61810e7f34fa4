import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { type AmqpBusOptions, createAmqpBus } from '../../engine/bus/amqp/amqp-bus.js';
import type { Bus, Topic } from '../../engine/bus/bus.js';
import type { Logger } from '../../engine/logger.js';
import { silentLogger } from '../../engine/logger.js';
import { deleteAmqpTopology } from './amqp-teardown.js';

const run = promisify(execFile);

/** The broker the RabbitMQ tests use; unset means those tests skip. */
export const amqpTestUrl = process.env.SQUALL_TEST_AMQP_URL;

/** A prefix no other test run uses, so every run has its own exchange and queues. */
export const testPrefix = (): string => `squall-test-${randomBytes(5).toString('hex')}`;

export { deleteAmqpTopology };

/**
 * Makes RabbitMQ buses for tests, each with a fresh prefix unless one is given, and remembers every
 * group they consumed so that `cleanup()` can delete all the queues and exchanges afterwards.
 */
export class AmqpTestBuses {
  readonly #url: string;
  readonly #groups = new Map<string, Map<string, [Topic, string]>>();

  constructor(url: string) {
    this.#url = url;
  }

  async make(opts: AmqpBusOptions & { prefix?: string; logger?: Logger } = {}): Promise<Bus> {
    const prefix = opts.prefix ?? testPrefix();
    const seen = this.#groups.get(prefix) ?? new Map<string, [Topic, string]>();
    this.#groups.set(prefix, seen);
    const bus = await createAmqpBus(
      { kind: 'amqp', url: this.#url, prefix, connectTimeoutMs: 5_000, ...opts },
      { logger: opts.logger ?? silentLogger },
    );
    // Record groups as they are declared; the bus itself is used unchanged.
    const consume: Bus['consume'] = (topic, group, h, o) => {
      seen.set(`${topic}\0${group}`, [topic, group]);
      return bus.consume(topic, group, h, o);
    };
    return { ...bus, consume, deadLetters: bus.deadLetters, close: () => bus.close() };
  }

  /** Records a group declared by another process (a child worker) under `prefix`. */
  remember(prefix: string, topic: Topic, group: string): void {
    const seen = this.#groups.get(prefix) ?? new Map<string, [Topic, string]>();
    seen.set(`${topic}\0${group}`, [topic, group]);
    this.#groups.set(prefix, seen);
  }

  async cleanup(): Promise<void> {
    for (const [prefix, groups] of this.#groups) await deleteAmqpTopology(this.#url, prefix, groups.values());
    this.#groups.clear();
  }
}

/**
 * Force-closes, on the broker side, every connection whose client-provided name contains `fragment`
 * (the bus names its connection `squall <prefix> pid <pid>`). Needs rabbitmqctl, as root, on this machine.
 */
export async function forceCloseConnections(fragment: string): Promise<number> {
  const { stdout } = await run('rabbitmqctl', [
    '-q',
    'list_connections',
    '--no-table-headers',
    'pid',
    'client_properties',
  ]);
  const pids = stdout
    .split('\n')
    .filter((line) => line.includes(fragment))
    .map((line) => line.split('\t')[0]?.trim())
    .filter((pid): pid is string => Boolean(pid));
  for (const pid of pids) await run('rabbitmqctl', ['-q', 'close_connection', pid, 'test: forced close']);
  return pids.length;
}
