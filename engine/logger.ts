import { pino } from 'pino';

/** Structured logger port. `component` names the subsystem; children carry ids such as executionId. */
export interface Logger {
  debug(msg: string, meta?: Record<string, unknown>): void;
  info(msg: string, meta?: Record<string, unknown>): void;
  warn(msg: string, meta?: Record<string, unknown>): void;
  error(msg: string, meta?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/**
 * Paths pino blanks out wherever they appear, so that secrets given as meta never reach a log line.
 * Secret *values* inside free text are masked before logging by the code that knows them.
 */
const REDACT = [
  'password',
  'token',
  'api_key',
  'apiKey',
  'key',
  'secret',
  'authorization',
  'headers.authorization',
  'headers["x-auth-token"]',
  'headers["st2-api-key"]',
  '*.password',
  '*.token',
  '*.api_key',
  '*.secret',
  '*.signingSecret',
  '*.botToken',
  '*.appToken',
  'parameters.*',
];

function wrap(p: pino.Logger): Logger {
  return {
    debug: (msg, meta) => (meta ? p.debug(meta, msg) : p.debug(msg)),
    info: (msg, meta) => (meta ? p.info(meta, msg) : p.info(msg)),
    warn: (msg, meta) => (meta ? p.warn(meta, msg) : p.warn(msg)),
    error: (msg, meta) => (meta ? p.error(meta, msg) : p.error(msg)),
    child: (bindings) => wrap(p.child(bindings)),
  };
}

export interface LoggerOptions {
  /** @default 'info' */
  level?: LogLevel;
  /** Where lines go; defaults to stderr so that stdout stays free for command output. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const p = pino(
    { level: opts.level ?? 'info', redact: { paths: REDACT, censor: '********' }, base: undefined },
    (opts.destination ?? process.stderr) as pino.DestinationStream,
  );
  return wrap(p);
}

/** A logger that drops everything; for tests and benchmarks that assert on other things. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};
