import { describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../../engine/bus/memory/memory-bus.js';
import { silentLogger } from '../../../engine/logger.js';
import { busContract } from '../../contract/bus.contract.js';
import { waitFor } from '../../support/bus-helpers.js';

busContract('memory', () => createMemoryBus({ kind: 'memory' }, { logger: silentLogger }));

describe('memory bus', () => {
  it('drops a message whose subscriber throws, and keeps delivering the next ones', async () => {
    const bus = await createMemoryBus({ kind: 'memory' }, { logger: silentLogger });
    const seen: number[] = [];
    await bus.subscribe('stream.event', async (m) => {
      seen.push(m.id);
      if (m.id === 1) throw new Error('socket gone');
    });
    await bus.publish('stream.event', { id: 1, event: 'e', data: {} });
    await bus.publish('stream.event', { id: 2, event: 'e', data: {} });
    await waitFor(() => (seen.includes(2) ? true : undefined), 5_000, 'the second event');
    expect(seen).toEqual([1, 2]);
    await bus.close();
  });

  it('delivers a broadcast before a work-queue message published after it, even with that queue pass already due', async () => {
    const bus = await createMemoryBus({ kind: 'memory' }, { logger: silentLogger });
    const order: string[] = [];
    await bus.consume('trigger.instance', 'rules', async (m) => {
      order.push(`work:${m.id}`);
    });
    await bus.subscribe('rules.changed', async () => {
      order.push('broadcast');
    });
    // The first publish schedules the work queue's pass; the broadcast and the second message follow
    // before it runs, as a rules change and a trigger dispatched after the API answered do.
    await bus.publish('trigger.instance', { id: 'a' });
    await bus.publish('rules.changed', { at: 'now' });
    await bus.publish('trigger.instance', { id: 'b' });
    await waitFor(() => (order.length === 3 ? true : undefined), 5_000, 'all three deliveries');
    expect(order.indexOf('broadcast')).toBeLessThan(order.indexOf('work:b'));
    await bus.close();
  });

  it('returns from close() after the grace period when a handler never settles', async () => {
    const bus = await createMemoryBus({ kind: 'memory', closeGraceMs: 50 }, { logger: silentLogger });
    let started = false;
    await bus.consume('execution.scheduled', 'runners', async () => {
      started = true;
      await new Promise(() => {});
    });
    await bus.publish('execution.scheduled', { id: 'stuck' });
    await waitFor(() => (started ? true : undefined), 5_000, 'the handler to start');
    await bus.close();
    await expect(bus.publish('execution.scheduled', { id: 'late' })).rejects.toMatchObject({
      code: 'SQ_BUS_UNAVAILABLE',
    });
  });
});
