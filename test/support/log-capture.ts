import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../engine/logger.js';

/** A debug-level logger whose every line is kept, for tests that check what reached the logs. */
export function captureLogs(): { logger: Logger; text(): string } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination: sink }), text: () => text };
}
