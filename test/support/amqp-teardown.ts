import { connect } from 'amqplib';
import { WORK_QUEUES } from '../../app/roles/role-table.js';
import { groupNames } from '../../engine/bus/amqp/amqp-topology.js';
import type { Topic } from '../../engine/bus/bus.js';

/**
 * Deletes the exchange `prefix` and the queues (and dead-letter queues) of the given groups, on a
 * connection of its own. For tests and benchmarks that use a throw-away prefix on a shared broker.
 */
export async function deleteAmqpTopology(
  url: string,
  prefix: string,
  groups: Iterable<[Topic, string]>,
): Promise<void> {
  const conn = await connect(url);
  try {
    const ch = await conn.createChannel();
    ch.on('error', () => {});
    for (const [topic, group] of groups) {
      const names = groupNames(prefix, topic, group);
      await ch.deleteQueue(names.queue);
      await ch.deleteQueue(names.dead);
    }
    await ch.deleteExchange(prefix);
    await ch.close();
  } finally {
    await conn.close();
  }
}

/** The work-queue groups an all-in-one Squall declares. */
export const ENGINE_GROUPS: readonly [Topic, string][] = WORK_QUEUES;
