import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createAmqpBus } from '../../../engine/bus/amqp/amqp-bus.js';
import type { Bus, Delivery } from '../../../engine/bus/bus.js';
import { SquallError } from '../../../engine/errors.js';
import { silentLogger } from '../../../engine/logger.js';
import { busContract } from '../../contract/bus.contract.js';
import { AmqpTestBuses, amqpTestUrl, forceCloseConnections, testPrefix } from '../../support/bus-amqp.js';
import { msgId, recordingLogger, waitFor } from '../../support/bus-helpers.js';
import { TcpProxy } from '../../support/bus-tcp-proxy.js';

if (!amqpTestUrl) {
  process.stderr.write(
    'skipping RabbitMQ bus tests: set SQUALL_TEST_AMQP_URL (e.g. amqp://guest:guest@127.0.0.1:5672)\n',
  );
}

const workerScript = fileURLToPath(new URL('../../support/bus-amqp-worker.ts', import.meta.url));

describe('RabbitMQ bus start-up', () => {
  it('fails with SQ_BUS_UNAVAILABLE when no broker answers', async () => {
    const e = await createAmqpBus(
      { kind: 'amqp', url: 'amqp://guest:guest@127.0.0.1:1', connectTimeoutMs: 300 },
      { logger: silentLogger },
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SquallError);
    expect((e as SquallError).code).toBe('SQ_BUS_UNAVAILABLE');
  });
});

describe.skipIf(!amqpTestUrl)('RabbitMQ bus', () => {
  const url = amqpTestUrl ?? '';
  const buses = new AmqpTestBuses(url);
  const opened: Bus[] = [];
  const children: ChildProcess[] = [];
  const track = (b: Bus): Bus => {
    opened.push(b);
    return b;
  };
  afterEach(async () => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
    for (const b of opened.splice(0)) await b.close();
  });
  afterAll(() => buses.cleanup());

  busContract('amqp', () => buses.make());

  it('keeps messages in the durable group queue for a consumer in a process that starts later', async () => {
    const prefix = testPrefix();
    const first = track(await buses.make({ prefix }));
    await first.consume('execution.requested', 'scheduler', async () => {});
    await first.close();

    const publisher = track(await buses.make({ prefix }));
    const id = msgId('durable');
    await publisher.publish('execution.requested', { id });
    await publisher.close();

    const later = track(await buses.make({ prefix }));
    const got: string[] = [];
    await later.consume('execution.requested', 'scheduler', async (m) => {
      got.push(m.id);
    });
    await waitFor(() => (got.length ? true : undefined), 10_000, 'the kept message');
    expect(got).toEqual([id]);
  });

  /** Starts the worker child under `prefix`; resolves once it consumes. Returns its stdout so far. */
  async function startWorker(prefix: string, maxAttempts: number): Promise<{ child: ChildProcess; out: () => string }> {
    buses.remember(prefix, 'execution.scheduled', 'runners');
    const child = spawn(process.execPath, ['--import', 'tsx', workerScript], {
      env: {
        ...process.env,
        SQUALL_TEST_AMQP_URL: url,
        SQUALL_TEST_BUS_PREFIX: prefix,
        SQUALL_TEST_BUS_MAX_ATTEMPTS: String(maxAttempts),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.stderr?.on('data', (b: Buffer) => {
      err += b.toString();
    });
    await waitFor(() => (out.includes('ready') ? true : undefined), 20_000, 'the worker to start').catch((e) => {
      throw new Error(`${(e as Error).message}; worker stderr: ${err}`);
    });
    return { child, out: () => out };
  }

  async function kill(child: ChildProcess): Promise<void> {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  it('redelivers to another consumer a message whose process was killed mid-handler', async () => {
    const prefix = testPrefix();
    const worker = await startWorker(prefix, 5);
    const bus = track(await buses.make({ prefix }));
    const id = msgId('crash');
    await bus.publish('execution.scheduled', { id });
    await waitFor(() => (worker.out().includes(`got ${id} attempt 1`) ? true : undefined), 10_000, 'the worker');
    await kill(worker.child);

    const got: { id: string; d: Delivery }[] = [];
    await bus.consume('execution.scheduled', 'runners', async (m, d) => {
      got.push({ id: m.id, d });
    });
    await waitFor(() => (got.length ? true : undefined), 10_000, 'the redelivery');
    expect(got).toEqual([{ id, d: { attempt: 2, redelivered: true } }]);
  });

  it('dead-letters a message whose consumer died on its last attempt, saying so', async () => {
    const prefix = testPrefix();
    const worker = await startWorker(prefix, 1);
    const bus = track(await buses.make({ prefix }));
    const id = msgId('crash-last');
    await bus.publish('execution.scheduled', { id });
    await waitFor(() => (worker.out().includes(`got ${id} attempt 1`) ? true : undefined), 10_000, 'the worker');
    await kill(worker.child);

    const dead = await waitFor(
      async () => {
        const list = await bus.deadLetters!('execution.scheduled', 'runners');
        return list.length ? list : undefined;
      },
      10_000,
      'the dead letter',
    );
    expect(dead).toEqual([{ msg: { id }, error: expect.stringContaining('delivery limit reached') }]);
  });

  it('lets a second consumer with another maxAttempts join a group, keeping the queue as declared', async () => {
    const { logger, lines } = recordingLogger();
    const bus = track(await buses.make({ logger }));
    const a: string[] = [];
    const b: string[] = [];
    await bus.consume('execution.requested', 'scheduler', async (m) => void a.push(m.id), { maxAttempts: 3 });
    await bus.consume('execution.requested', 'scheduler', async (m) => void b.push(m.id), { maxAttempts: 7 });
    for (let i = 0; i < 10; i++) await bus.publish('execution.requested', { id: msgId('mixed') });
    await waitFor(() => (a.length + b.length === 10 ? true : undefined), 10_000, 'all ten');
    expect(lines.map((l) => l.msg)).toContain('group queue exists with other arguments; keeping it as declared');
  });

  it('reconnects after the broker closes its connection, and consumes, subscribes and publishes again', async () => {
    const prefix = testPrefix();
    const { logger, lines } = recordingLogger();
    const bus = track(await buses.make({ prefix, logger }));
    const got: string[] = [];
    const heard: string[] = [];
    await bus.consume('execution.requested', 'scheduler', async (m) => {
      got.push(m.id);
    });
    await bus.subscribe('execution.cancel', async (m) => {
      heard.push(m.id);
    });
    const before = msgId('before');
    await bus.publish('execution.requested', { id: before });
    await waitFor(() => (got.includes(before) ? true : undefined), 10_000, 'the first message');

    expect(await forceCloseConnections(prefix)).toBe(1);
    const after = msgId('after');
    await bus.publish('execution.requested', { id: after }); // waits for the reconnect if it must
    await waitFor(() => (got.includes(after) ? true : undefined), 15_000, 'a message after the reconnect');
    const cancel = msgId('cancel');
    await bus.publish('execution.cancel', { id: cancel });
    await waitFor(() => (heard.includes(cancel) ? true : undefined), 10_000, 'a broadcast after the reconnect');

    expect(got).toEqual([before, after]);
    const msgs = lines.map((l) => `${l.level} ${l.msg}`);
    expect(msgs).toContain('warn lost the RabbitMQ connection; reconnecting');
    expect(msgs).toContain('info RabbitMQ connection recovered');
  });

  it('keeps publishes made during an outage without waiting, reports degraded, and sends them in order when it is back', async () => {
    const broker = new URL(url);
    const proxy = await TcpProxy.start({ host: broker.hostname, port: Number(broker.port || 5672) });
    try {
      const viaProxy = new URL(url);
      viaProxy.port = String(proxy.port);
      const prefix = testPrefix();
      const bus = track(
        await createAmqpBus(
          {
            kind: 'amqp',
            url: viaProxy.toString(),
            prefix,
            connectTimeoutMs: 5000,
            reconnectMaxDelayMs: 200,
            maxPendingPublishes: 3,
          },
          { logger: silentLogger },
        ),
      );
      buses.remember(prefix, 'execution.requested', 'scheduler');
      const got: string[] = [];
      await bus.consume('execution.requested', 'scheduler', async (m) => {
        got.push(m.id);
      });
      expect(bus.health?.()).toEqual({ status: 'ok', pending: 0 });

      proxy.down();
      await waitFor(() => (bus.health?.().status === 'degraded' ? true : undefined), 5000, 'the bus to notice');
      const held = [msgId('held'), msgId('held'), msgId('held')];
      // Each resolves while the broker is still away: the caller does not wait for it.
      for (const id of held) await bus.publish('execution.requested', { id });
      expect(bus.health?.()).toEqual({ status: 'degraded', pending: 3 });
      const over = await bus.publish('execution.requested', { id: msgId('over') }).catch((x: unknown) => x);
      expect(over).toBeInstanceOf(SquallError);
      expect((over as SquallError).code).toBe('SQ_BUS_UNAVAILABLE');
      expect(got).toEqual([]);

      proxy.up();
      await waitFor(() => (got.length === 3 ? true : undefined), 10_000, 'the kept-back messages');
      expect(got).toEqual(held);
      await waitFor(() => (bus.health?.().status === 'ok' ? true : undefined), 5000, 'the bus to be ok again');
      const after = msgId('after');
      await bus.publish('execution.requested', { id: after });
      await waitFor(() => (got.includes(after) ? true : undefined), 10_000, 'a message after the outage');
    } finally {
      await proxy.close();
    }
  });
});
