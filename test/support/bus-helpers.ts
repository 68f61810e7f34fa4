import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../engine/logger.js';

// A promise with its settle functions, for handlers that must stay in flight until a test says so.
export { deferred } from '../../lib/deferred.js';
export { waitFor } from './processes.js';
export { sleep };

/** A unique message id per call, so tests never confuse messages of another run. */
let seq = 0;
export const msgId = (label: string): string => `${label}-${process.pid}-${++seq}`;

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  meta: Record<string, unknown>;
}

/** A real Logger that keeps its lines, for tests that check what an operator would read. */
export function recordingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const at =
      (level: LogLine['level']) =>
      (msg: string, meta?: Record<string, unknown>): void => {
        lines.push({ level, msg, meta: { ...bindings, ...meta } });
      };
    return {
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
      child: (b) => make({ ...bindings, ...b }),
    };
  };
  return { logger: make({}), lines };
}
