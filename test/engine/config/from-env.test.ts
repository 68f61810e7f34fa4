import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../bench/bench-util.js';
import { readEnv } from '../../../engine/config/from-env.js';

describe('the environment', () => {
  const dirs: { path: string; remove(): void }[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) d.remove();
  });

  it('reads SQUALL_<NAME>_FILE as the secret SQUALL_<NAME> (container secrets), a direct value winning', () => {
    const d = tempDir('squall-env-');
    dirs.push(d);
    writeFileSync(join(d.path, 'amqp'), 'amqp://squall:s3cret@rabbitmq:5672\n');
    writeFileSync(join(d.path, 'slack'), 'xoxb-from-file');
    const env = readEnv({
      SQUALL_AMQP_URL_FILE: join(d.path, 'amqp'),
      SQUALL_SLACK_BOT_TOKEN_FILE: join(d.path, 'slack'),
      SQUALL_MONGODB_URL: 'mongodb://direct/squall',
      SQUALL_MONGODB_URL_FILE: join(d.path, 'missing-but-unused'),
    });
    expect(env.amqpUrl).toBe('amqp://squall:s3cret@rabbitmq:5672');
    expect(env.raw.SQUALL_SLACK_BOT_TOKEN).toBe('xoxb-from-file');
    expect(env.mongoUrl).toBe('mongodb://direct/squall');
  });

  it('names the variable and the path when the file cannot be read', () => {
    expect(() => readEnv({ SQUALL_AMQP_URL_FILE: '/nonexistent/amqp' })).toThrow(
      /SQUALL_AMQP_URL_FILE: cannot read \/nonexistent\/amqp: ENOENT/,
    );
  });
});
