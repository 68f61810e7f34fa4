import type { SquallOptions } from '../engine/config/config-schema.js';
import type { ResolvedConfig } from '../engine/config/resolve-config.js';

/**
 * The two shapes of a deployment. `embedded`: one process, SQLite and the in-process bus (the
 * default; nothing to install). `cluster`: MongoDB and RabbitMQ, so that roles can run in as many
 * processes as needed. The engine core picks the adapters from the resolved config; these are the
 * configurations to start from.
 */
export const presets = {
  embedded: (): SquallOptions => ({ store: { kind: 'sqlite' }, bus: { kind: 'memory' } }),
  cluster: (urls: { mongo: string; amqp: string }): SquallOptions => ({
    store: { kind: 'mongo', url: urls.mongo },
    bus: { kind: 'amqp', url: urls.amqp },
  }),
} as const;

/**
 * True when this process is the only one on its store: the in-process bus cannot reach another, so
 * what the store shows as running at start belonged to a process that is gone.
 */
export function isSoleProcess(config: Pick<ResolvedConfig, 'bus'>): boolean {
  return config.bus.kind === 'memory';
}

/** One line for `squall start`: where the data lives and what carries messages. */
export function describeBackends(config: Pick<ResolvedConfig, 'store' | 'bus'>): string {
  const store = config.store.kind === 'sqlite' ? `SQLite at ${config.store.path}` : 'MongoDB';
  return `Store: ${store}; bus: ${config.bus.kind === 'memory' ? 'in-process' : 'RabbitMQ'}.`;
}
