import type { OperatorEnv, OperatorFn } from './operator-types.js';
import { mismatch, typeName, type Verdict } from './py-values.js';

const ISO = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Milliseconds since the epoch for a timestamp as StackStorm reads it (dateutil): ISO 8601 with `T` or
 * a space (Python's `str(datetime)`), and a timestamp without a zone is UTC, never local time.
 */
export function parseTimestamp(text: string): number | undefined {
  const s = text.trim();
  const m = ISO.exec(s);
  if (m) {
    const time = m[2] ?? '00:00';
    let zone = m[3] ?? 'Z';
    if (/^[+-]\d{2}$/.test(zone)) zone += ':00';
    else if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
    // Date.parse takes at most milliseconds reliably; Python keeps microseconds.
    const t = time.replace(/(\.\d{3})\d+$/, '$1');
    const ms = Date.parse(`${m[1]}T${t}${zone.toUpperCase()}`);
    return Number.isNaN(ms) ? undefined : ms;
  }
  // RFC 2822 and similar carry their own zone.
  if (/(GMT|UTC|[+-]\d{4})\s*$/i.test(s)) {
    const ms = Date.parse(s);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

function periodSeconds(p: unknown): number | undefined {
  if (typeof p === 'number') return p;
  if (typeof p === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(p)) return Number(p);
  return undefined;
}

function timediff(v: unknown, p: unknown, env: OperatorEnv, less: boolean): Verdict {
  if (typeof v !== 'string') return mismatch(`the value is a ${typeName(v)}, not a timestamp`);
  const at = parseTimestamp(v);
  if (at === undefined) return mismatch(`"${v}" is not a timestamp`);
  const period = periodSeconds(p);
  if (period === undefined) return mismatch(`the pattern ${JSON.stringify(p)} is not a number of seconds`);
  // Seconds elapsed since the timestamp; a timestamp in the future gives a negative age.
  const age = (env.now.getTime() - at) / 1000;
  return less ? age < period : age > period;
}

/** `timediff_lt`: the timestamp is less than `pattern` seconds old. */
export const timediffLt: OperatorFn = (v, p, env) => timediff(v, p, env, true);

/** `timediff_gt`: the timestamp is more than `pattern` seconds old. */
export const timediffGt: OperatorFn = (v, p, env) => timediff(v, p, env, false);
