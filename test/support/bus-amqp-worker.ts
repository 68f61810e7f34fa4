/**
 * A child process for the RabbitMQ crash test: consumes `execution.scheduled` in group `runners`
 * under the prefix from SQUALL_TEST_BUS_PREFIX, prints `ready`, then for each message prints
 * `got <id> attempt <n>` and never finishes the handler, so the test can SIGKILL it mid-handler.
 * SQUALL_TEST_BUS_MAX_ATTEMPTS sets the consumer's maxAttempts (default 5).
 */
import { createAmqpBus } from '../../engine/bus/amqp/amqp-bus.js';
import { silentLogger } from '../../engine/logger.js';

const url = process.env.SQUALL_TEST_AMQP_URL;
const prefix = process.env.SQUALL_TEST_BUS_PREFIX;
if (!url || !prefix) {
  process.stderr.write('bus-amqp-worker needs SQUALL_TEST_AMQP_URL and SQUALL_TEST_BUS_PREFIX\n');
  process.exit(2);
}

const bus = await createAmqpBus({ kind: 'amqp', url, prefix }, { logger: silentLogger });
await bus.consume(
  'execution.scheduled',
  'runners',
  async (m, d) => {
    process.stdout.write(`got ${m.id} attempt ${d.attempt}\n`);
    await new Promise(() => {}); // stuck mid-handler until killed
  },
  { prefetch: 1, maxAttempts: Number(process.env.SQUALL_TEST_BUS_MAX_ATTEMPTS ?? 5) },
);
process.stdout.write('ready\n');
