import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bus, Delivery, Subscription } from '../../engine/bus/bus.js';
import { SquallError } from '../../engine/errors.js';
import { deferred, msgId, sleep, waitFor } from '../support/bus-helpers.js';

/**
 * The behaviour every Bus adapter must show. `make` returns a fresh, connected bus whose topology is
 * its own (no messages left over from another test); the suite closes it after each test.
 */
export function busContract(name: string, make: () => Promise<Bus>): void {
  describe(`Bus contract: ${name}`, () => {
    let bus: Bus;
    beforeEach(async () => {
      bus = await make();
    });
    afterEach(async () => {
      await bus.close();
    });

    it('delivers a published message to a consumer, first attempt, not redelivered', async () => {
      const got: { id: string; d: Delivery }[] = [];
      await bus.consume('execution.requested', 'scheduler', async (m, d) => {
        got.push({ id: m.id, d });
      });
      const id = msgId('one');
      await bus.publish('execution.requested', { id });
      await waitFor(() => (got.length > 0 ? true : undefined), 10_000, 'the delivery');
      expect(got).toEqual([{ id, d: { attempt: 1, redelivered: false } }]);
    });

    it('gives each message to exactly one consumer of a group, and a copy to every group', async () => {
      const a1: string[] = [];
      const a2: string[] = [];
      const b: string[] = [];
      // prefetch 1 and a short handler: while one consumer is busy the next message must go to the other.
      const slow = (into: string[]) => async (m: { id: string }) => {
        into.push(m.id);
        await sleep(5);
      };
      await bus.consume('execution.scheduled', 'runners', slow(a1), { prefetch: 1 });
      await bus.consume('execution.scheduled', 'runners', slow(a2), { prefetch: 1 });
      await bus.consume('execution.scheduled', 'audit', slow(b), { prefetch: 4 });
      const ids = Array.from({ length: 20 }, () => msgId('wq'));
      for (const id of ids) await bus.publish('execution.scheduled', { id });
      await waitFor(() => (a1.length + a2.length >= 20 && b.length >= 20 ? true : undefined), 15_000, 'all copies');
      await sleep(50); // let any duplicate show up before checking there is none
      expect([...a1, ...a2].sort()).toEqual([...ids].sort());
      expect(a1.length).toBeGreaterThan(0);
      expect(a2.length).toBeGreaterThan(0);
      expect([...b].sort()).toEqual([...ids].sort());
    });

    it('acks after the handler resolves: a handled message never comes back to the group', async () => {
      const first: string[] = [];
      const done = deferred();
      const sub = await bus.consume('execution.completed', 'notifier', async (m) => {
        first.push(m.id);
        done.resolve();
      });
      const handled = msgId('acked');
      await bus.publish('execution.completed', { id: handled });
      await done.promise;
      await sub.cancel();

      const second: string[] = [];
      await bus.consume('execution.completed', 'notifier', async (m) => {
        second.push(m.id);
      });
      const marker = msgId('marker');
      await bus.publish('execution.completed', { id: marker });
      await waitFor(() => (second.includes(marker) ? true : undefined), 10_000, 'the marker');
      expect(first).toEqual([handled]);
      expect(second).toEqual([marker]);
    });

    it('redelivers a message whose handler threw, counting attempts', async () => {
      const seen: Delivery[] = [];
      const bodies: unknown[] = [];
      const id = msgId('retry');
      await bus.consume(
        'execution.requested',
        'scheduler',
        async (m, d) => {
          bodies.push(m);
          seen.push(d);
          if (d.attempt < 3) throw new Error(`failing attempt ${d.attempt}`);
        },
        { maxAttempts: 5 },
      );
      await bus.publish('execution.requested', { id });
      await waitFor(() => (seen.length >= 3 ? true : undefined), 10_000, 'three attempts');
      await sleep(200); // a success must not be followed by another delivery
      expect(seen).toEqual([
        { attempt: 1, redelivered: false },
        { attempt: 2, redelivered: true },
        { attempt: 3, redelivered: true },
      ]);
      expect(bodies).toEqual([{ id }, { id }, { id }]);
    });

    it('dead-letters a message after maxAttempts with the last error, and never delivers it again', async () => {
      expect(bus.deadLetters).toBeTypeOf('function');
      const attempts: number[] = [];
      const seenIds: string[] = [];
      const poison = msgId('poison');
      await bus.consume(
        'notify.chat',
        'bot',
        async (m, d) => {
          seenIds.push(m.execution_id);
          if (m.execution_id !== poison) return;
          attempts.push(d.attempt);
          throw new Error(`cannot post (attempt ${d.attempt})`);
        },
        { maxAttempts: 3 },
      );
      const msg = { execution_id: poison, route: 'chat', message: 'hello' };
      await bus.publish('notify.chat', msg);
      const dead = await waitFor(
        async () => {
          const list = await bus.deadLetters!('notify.chat', 'bot');
          return list.length > 0 ? list : undefined;
        },
        10_000,
        'the dead letter',
      );
      expect(dead).toEqual([{ msg, error: 'cannot post (attempt 3)' }]);

      const marker = msgId('after-dead');
      await bus.publish('notify.chat', { execution_id: marker, route: 'chat' });
      await waitFor(() => (seenIds.includes(marker) ? true : undefined), 10_000, 'the marker');
      expect(attempts).toEqual([1, 2, 3]);
      expect(await bus.deadLetters!('notify.chat', 'bot')).toHaveLength(1);
    });

    it('broadcasts to every subscriber while a group still gets a single copy', async () => {
      const s1: string[] = [];
      const s2: string[] = [];
      const group: string[] = [];
      await bus.subscribe('execution.cancel', async (m) => {
        s1.push(m.id);
      });
      await bus.subscribe('execution.cancel', async (m) => {
        s2.push(m.id);
      });
      await bus.consume('execution.cancel', 'audit', async (m) => {
        group.push(m.id);
      });
      const id = msgId('cancel');
      await bus.publish('execution.cancel', { id });
      await waitFor(() => (s1.length && s2.length && group.length ? true : undefined), 10_000, 'all receivers');
      expect(s1).toEqual([id]);
      expect(s2).toEqual([id]);
      expect(group).toEqual([id]);
    });

    it('stops delivering to a cancelled consumer; the group keeps the message for the next one', async () => {
      const old: string[] = [];
      const sub = await bus.consume('execution.requested', 'scheduler', async (m) => {
        old.push(m.id);
      });
      const before = msgId('before-cancel');
      await bus.publish('execution.requested', { id: before });
      await waitFor(() => (old.length ? true : undefined), 10_000, 'the first delivery');
      await sub.cancel();

      const after = msgId('after-cancel');
      await bus.publish('execution.requested', { id: after });
      const fresh: string[] = [];
      await bus.consume('execution.requested', 'scheduler', async (m) => {
        fresh.push(m.id);
      });
      await waitFor(() => (fresh.length ? true : undefined), 10_000, 'the delivery to the new consumer');
      expect(old).toEqual([before]);
      expect(fresh).toEqual([after]);
    });

    it('stops delivering to a cancelled subscriber', async () => {
      const gone: string[] = [];
      const kept: string[] = [];
      const sub: Subscription = await bus.subscribe('stream.event', async (m) => {
        gone.push(String(m.id));
      });
      await bus.subscribe('stream.event', async (m) => {
        kept.push(String(m.id));
      });
      await sub.cancel();
      await bus.publish('stream.event', { id: 7, event: 'st2.execution__update', data: {} });
      await waitFor(() => (kept.length ? true : undefined), 10_000, 'the remaining subscriber');
      await sleep(50);
      expect(kept).toEqual(['7']);
      expect(gone).toEqual([]);
    });

    it('runs at most `prefetch` handlers of one consumer at once', async () => {
      let active = 0;
      let peak = 0;
      let handled = 0;
      const gate = deferred();
      await bus.consume(
        'execution.scheduled',
        'runners',
        async () => {
          active++;
          peak = Math.max(peak, active);
          await gate.promise;
          active--;
          handled++;
        },
        { prefetch: 3 },
      );
      for (let i = 0; i < 10; i++) await bus.publish('execution.scheduled', { id: msgId('pf') });
      await waitFor(() => (active === 3 ? true : undefined), 10_000, 'three handlers in flight');
      await sleep(100); // give the bus every chance to over-deliver while all three are blocked
      expect(active).toBe(3);
      gate.resolve();
      await waitFor(() => (handled === 10 ? true : undefined), 10_000, 'every message handled');
      expect(peak).toBe(3);
    });

    it('keeps messages published while a declared group has no consumer', async () => {
      const sub = await bus.consume('trigger.instance', 'rules', async () => {});
      await sub.cancel();
      const ids = [msgId('kept'), msgId('kept'), msgId('kept')];
      for (const id of ids) await bus.publish('trigger.instance', { id });
      const got: string[] = [];
      await bus.consume('trigger.instance', 'rules', async (m) => {
        got.push(m.id);
      });
      await waitFor(() => (got.length >= 3 ? true : undefined), 10_000, 'the kept messages');
      expect(got).toEqual(ids);
    });

    it('delivers in publish order to a single consumer with prefetch 1, one at a time', async () => {
      const events: string[] = [];
      await bus.consume(
        'execution.requested',
        'scheduler',
        async (m) => {
          events.push(`start ${m.id}`);
          await sleep(1);
          events.push(`end ${m.id}`);
        },
        { prefetch: 1 },
      );
      const ids = Array.from({ length: 25 }, (_, i) => `ord-${i}`);
      for (const id of ids) await bus.publish('execution.requested', { id });
      await waitFor(() => (events.length >= 50 ? true : undefined), 10_000, 'every message');
      expect(events).toEqual(ids.flatMap((id) => [`start ${id}`, `end ${id}`]));
    });

    it('gives every handler its own copy of the message', async () => {
      const mutated = deferred();
      const seenByAudit: unknown[] = [];
      await bus.consume('notify.chat', 'rules', async (m) => {
        if (m.data) m.data.touched = true; // a handler that mutates must not affect anyone else
        mutated.resolve();
      });
      await bus.consume('notify.chat', 'audit', async (m) => {
        await mutated.promise;
        seenByAudit.push(m);
      });
      const msg = { execution_id: 'x1', route: 'chat', data: { n: 1, list: [1, 2] } };
      await bus.publish('notify.chat', msg);
      msg.data.n = 2; // nor may the publisher's later changes
      await waitFor(() => (seenByAudit.length ? true : undefined), 10_000, 'the audit copy');
      expect(seenByAudit).toEqual([{ execution_id: 'x1', route: 'chat', data: { n: 1, list: [1, 2] } }]);
    });

    it('rejects a consume option that is not a positive integer', async () => {
      const e = await bus.consume('execution.requested', 'scheduler', async () => {}, { prefetch: 0 }).catch((x) => x);
      expect(e).toBeInstanceOf(SquallError);
      expect((e as SquallError).code).toBe('SQ_VALIDATION');
    });

    it('rejects a message JSON cannot carry', async () => {
      await bus.consume('execution.requested', 'scheduler', async () => {});
      const e = await bus.publish('execution.requested', { id: 10n as unknown as string }).catch((x) => x);
      expect(e).toBeInstanceOf(SquallError);
      expect((e as SquallError).code).toBe('SQ_VALIDATION');
    });

    it('rejects publishes after close', async () => {
      await bus.close();
      const e = await bus.publish('execution.requested', { id: msgId('late') }).catch((x) => x);
      expect(e).toBeInstanceOf(SquallError);
      expect((e as SquallError).code).toBe('SQ_BUS_UNAVAILABLE');
    });
  });
}
