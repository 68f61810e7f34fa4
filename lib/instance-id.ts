import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * An id for one running instance (a process's heartbeat, a bot's outbox): host and pid say where it
 * runs, the random suffix keeps a restarted instance (same pid in a container) apart from its old self.
 */
export function instanceId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}
