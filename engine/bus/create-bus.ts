import type { BusFactory } from './bus.js';

// amqplib loads only for the cluster preset.
export const createBus: BusFactory = async (cfg, deps) =>
  cfg.kind === 'memory'
    ? (await import('./memory/memory-bus.js')).createMemoryBus(cfg, deps)
    : (await import('./amqp/amqp-bus.js')).createAmqpBus(cfg, deps);
