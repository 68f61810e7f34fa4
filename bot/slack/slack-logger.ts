import { LogLevel } from '@slack/bolt';
import type { Logger } from '../../engine/logger.js';

/** The logger shape Bolt, the WebClient and the Socket Mode client accept (@slack/logger). */
export interface SlackSdkLogger {
  debug(...msg: unknown[]): void;
  info(...msg: unknown[]): void;
  warn(...msg: unknown[]): void;
  error(...msg: unknown[]): void;
  setLevel(level: LogLevel): void;
  getLevel(): LogLevel;
  setName(name: string): void;
}

function line(parts: unknown[]): string {
  return parts.map((p) => (p instanceof Error ? p.message : typeof p === 'string' ? p : JSON.stringify(p))).join(' ');
}

/**
 * Routes the Slack SDKs' log lines into Squall's logger (component `slack-sdk`), so that nothing
 * reaches the console. The SDKs' own info lines are chatty connection notes: they go to debug.
 */
export function toSlackLogger(logger: Logger): SlackSdkLogger {
  const log = logger.child({ component: 'slack-sdk' });
  let level = LogLevel.INFO;
  return {
    debug: (...m) => log.debug(line(m)),
    info: (...m) => log.debug(line(m)),
    warn: (...m) => log.warn(line(m)),
    error: (...m) => log.error(line(m)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
