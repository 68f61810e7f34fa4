import { SquallError } from '../errors.js';

/** One host of a `hosts` list: `label` is the entry as written and keys the per-host result. */
export interface SshTarget {
  label: string;
  host: string;
  port: number;
}

/**
 * Parses StackStorm's `hosts`: comma-separated `host`, `host:port` or `[v6addr]:port`. Repeated
 * entries run once.
 */
export function parseHosts(hosts: string, defaultPort: number): SshTarget[] {
  const seen = new Map<string, SshTarget>();
  for (const raw of hosts.split(',')) {
    const label = raw.trim();
    if (label === '' || seen.has(label)) continue;
    seen.set(label, parseHost(label, defaultPort));
  }
  if (seen.size === 0) throw new SquallError('SQ_PARAMETER_INVALID', 'Parameter "hosts" names no host');
  return [...seen.values()];
}

function parseHost(label: string, defaultPort: number): SshTarget {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(label);
  if (bracketed) return { label, host: bracketed[1] ?? '', port: toPort(label, bracketed[2], defaultPort) };
  const colons = label.split(':').length - 1;
  if (colons === 1) {
    const [host = '', port] = label.split(':');
    return { label, host, port: toPort(label, port, defaultPort) };
  }
  // No colon, or a bare IPv6 address.
  return { label, host: label, port: defaultPort };
}

function toPort(label: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new SquallError('SQ_PARAMETER_INVALID', `Host "${label}" has an invalid port`);
  }
  return n;
}
