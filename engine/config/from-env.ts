import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SquallError } from '../errors.js';

/** The environment variables Squall reads. This is the only module that touches process.env. */
export interface EnvSettings {
  home: string;
  logLevel?: string;
  amqpUrl?: string;
  mongoUrl?: string;
  /** Everything, for adapters that resolve their own variables (Slack reads SQUALL_SLACK_*). */
  raw: Readonly<Record<string, string | undefined>>;
}

/**
 * `SQUALL_<NAME>_FILE=<path>` stands for `SQUALL_<NAME>` with the file's content (trailing newline
 * dropped), as container secrets are mounted (`/run/secrets/...`); a variable set directly wins.
 */
function withFileSecrets(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...env };
  for (const [key, path] of Object.entries(env)) {
    if (!key.startsWith('SQUALL_') || !key.endsWith('_FILE') || !path) continue;
    const name = key.slice(0, -'_FILE'.length);
    if (out[name]) continue;
    try {
      out[name] = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new SquallError(
        'SQ_CONFIG_INVALID',
        `${key}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
  }
  return out;
}

export function readEnv(processEnv: NodeJS.ProcessEnv = process.env): EnvSettings {
  const env = withFileSecrets(processEnv);
  return {
    home: env.SQUALL_HOME && env.SQUALL_HOME.length > 0 ? env.SQUALL_HOME : join(homedir(), '.squall'),
    logLevel: env.SQUALL_LOG_LEVEL,
    amqpUrl: env.SQUALL_AMQP_URL,
    mongoUrl: env.SQUALL_MONGODB_URL,
    raw: env,
  };
}
