import { usageError } from './cli-error.js';

/**
 * Parses `key=value` words from the command line into a map of strings. Values stay strings: the
 * server casts them to the declared parameter types (the CLI sends `X-Squall-Cast-Strings: true`),
 * exactly as it does for chat, so `count=3` and `tags=a,b` mean the same in both places.
 * Everything after the first `=` is the value (`cmd=a=b` gives `a=b`); the last duplicate wins.
 */
export function parseKeyValues(words: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const word of words) {
    const eq = word.indexOf('=');
    const key = eq > 0 ? word.slice(0, eq).trim() : '';
    if (!key) throw usageError(`malformed parameter "${word}": expected key=value`);
    out[key] = word.slice(eq + 1);
  }
  return out;
}
