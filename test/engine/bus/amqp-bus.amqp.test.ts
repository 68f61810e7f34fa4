import { afterAll, describe } from 'vitest';
import { busContract } from '../../contract/bus.contract.js';
import { AmqpTestBuses, amqpTestUrl } from '../../support/bus-amqp.js';

if (!amqpTestUrl) {
  process.stderr.write('skipping RabbitMQ bus tests: set SQUALL_TEST_AMQP_URL (e.g. amqp://guest:guest@127.0.0.1:5672)\n');
}

describe.skipIf(!amqpTestUrl)('RabbitMQ bus', () => {
  const buses = new AmqpTestBuses(amqpTestUrl ?? '');
  afterAll(() => buses.cleanup());

  busContract('amqp', () => buses.make());
});
