import { homedir } from 'node:os';
import { join } from 'node:path';

/** The environment variables Squall reads. This is the only module that touches process.env. */
export interface EnvSettings {
  home: string;
  logLevel?: string;
  amqpUrl?: string;
  mongoUrl?: string;
  /** Everything, for adapters that resolve their own variables (Slack reads SQUALL_SLACK_*). */
  raw: Readonly<Record<string, string | undefined>>;
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): EnvSettings {
  return {
    home: env.SQUALL_HOME && env.SQUALL_HOME.length > 0 ? env.SQUALL_HOME : join(homedir(), '.squall'),
    logLevel: env.SQUALL_LOG_LEVEL,
    amqpUrl: env.SQUALL_AMQP_URL,
    mongoUrl: env.SQUALL_MONGODB_URL,
    raw: { ...env },
  };
}
