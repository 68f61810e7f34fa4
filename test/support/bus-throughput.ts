/**
 * Measures bus throughput: N messages published and consumed through one hop (one group, one
 * consumer at the default prefetch), and a 3-hop chain where each handler publishes the next topic.
 * Not a test (no timing assertions); run by hand:
 *   npx tsx test/support/bus-throughput.ts memory [count]
 *   npx tsx test/support/bus-throughput.ts amqp [count]   (SQUALL_TEST_AMQP_URL or the local broker)
 */
import { randomBytes } from 'node:crypto';
import type { Bus } from '../../engine/bus/bus.js';
import { silentLogger } from '../../engine/logger.js';
import { deleteAmqpTopology } from './bus-amqp.js';

const kind = process.argv[2] ?? 'memory';
const count = Number(process.argv[3] ?? (kind === 'memory' ? 200_000 : 10_000));
const url = process.env.SQUALL_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const prefix = `squall-bench-${randomBytes(4).toString('hex')}`;

async function makeBus(): Promise<Bus> {
  if (kind === 'memory') {
    const { createMemoryBus } = await import('../../engine/bus/memory/memory-bus.js');
    return createMemoryBus({ kind: 'memory' }, { logger: silentLogger });
  }
  const { createAmqpBus } = await import('../../engine/bus/amqp/amqp-bus.js');
  return createAmqpBus({ kind: 'amqp', url, prefix }, { logger: silentLogger });
}

async function oneHop(bus: Bus, n: number): Promise<number> {
  let got = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => {
    done = r;
  });
  const sub = await bus.consume('execution.requested', 'bench', async () => {
    if (++got === n) done();
  });
  const t0 = performance.now();
  // Publish in windows so the publisher's own promises do not dominate memory.
  const window = 1000;
  for (let i = 0; i < n; i += window) {
    const batch: Promise<void>[] = [];
    for (let j = i; j < Math.min(n, i + window); j++) batch.push(bus.publish('execution.requested', { id: `m${j}` }));
    await Promise.all(batch);
  }
  await finished;
  const ms = performance.now() - t0;
  await sub.cancel();
  return (n / ms) * 1000;
}

async function threeHops(bus: Bus, n: number): Promise<number> {
  let got = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => {
    done = r;
  });
  const subs = [
    await bus.consume('execution.scheduled', 'hop1', (m) => bus.publish('execution.completed', m)),
    await bus.consume('execution.completed', 'hop2', (m) =>
      bus.publish('notify.chat', { execution_id: m.id, route: 'chat' }),
    ),
    await bus.consume('notify.chat', 'hop3', async () => {
      if (++got === n) done();
    }),
  ];
  const t0 = performance.now();
  const window = 1000;
  for (let i = 0; i < n; i += window) {
    const batch: Promise<void>[] = [];
    for (let j = i; j < Math.min(n, i + window); j++) batch.push(bus.publish('execution.scheduled', { id: `c${j}` }));
    await Promise.all(batch);
  }
  await finished;
  const ms = performance.now() - t0;
  for (const s of subs) await s.cancel();
  return (n / ms) * 1000;
}

const bus = await makeBus();
try {
  const hop = await oneHop(bus, count);
  const chain = await threeHops(bus, Math.round(count / 2));
  process.stdout.write(
    `${kind}: one hop ${Math.round(hop)} msg/s (${count} messages); ` +
      `3-hop chain ${Math.round(chain)} chains/s (${Math.round(count / 2)} chains)\n`,
  );
} finally {
  await bus.close();
  if (kind !== 'memory') {
    await deleteAmqpTopology(url, prefix, [
      ['execution.requested', 'bench'],
      ['execution.scheduled', 'hop1'],
      ['execution.completed', 'hop2'],
      ['notify.chat', 'hop3'],
    ]);
  }
}
