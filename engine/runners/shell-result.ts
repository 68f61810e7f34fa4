import type { JsonObject, JsonValue } from '../model/json.js';
import { isStorableJson } from '../model/json-limits.js';
import type { OutputTail } from './output-tail.js';

/** StackStorm strips exactly one trailing newline (`\n` or `\r\n`) from stdout and stderr. */
export function stripOneNewline(s: string): string {
  if (s.endsWith('\r\n')) return s.slice(0, -2);
  if (s.endsWith('\n')) return s.slice(0, -1);
  return s;
}

/**
 * StackStorm parses JSON output so that templates can reach into it (`result.stdout.key`). Only objects
 * and arrays are parsed: output such as `42` or `true` stays text, which is what a chat user printed.
 */
export function parseJsonOutput(s: string): JsonValue {
  const t = s.trim();
  if (!(t.startsWith('{') && t.endsWith('}')) && !(t.startsWith('[') && t.endsWith(']'))) return s;
  try {
    const parsed = JSON.parse(t) as JsonValue;
    // Output nested past what the store keeps stays text: the result must always be recordable.
    return isStorableJson(parsed) ? parsed : s;
  } catch {
    return s;
  }
}

/** One output stream as stored in a result: newline stripped, JSON parsed unless truncated. */
function outputValue(tail: OutputTail): JsonValue {
  const text = stripOneNewline(tail.text());
  return tail.dropped > 0 ? text : parseJsonOutput(text);
}

/**
 * The `{succeeded, failed, return_code, stdout, stderr}` shape shared by the shell runners (local and per
 * remote host). Truncated streams get `stdout_truncated`/`stderr_truncated` with the characters dropped.
 */
export function shellResult(
  returnCode: number,
  stdout: OutputTail,
  stderr: OutputTail,
  extra?: JsonObject,
): JsonObject {
  const succeeded = returnCode === 0 && extra?.error === undefined;
  const result: JsonObject = {
    succeeded,
    failed: !succeeded,
    return_code: returnCode,
    stdout: outputValue(stdout),
    stderr: outputValue(stderr),
  };
  if (stdout.dropped > 0) result.stdout_truncated = stdout.dropped;
  if (stderr.dropped > 0) result.stderr_truncated = stderr.dropped;
  return { ...result, ...extra };
}

/** Negative signal number, as Python's subprocess reports a process killed by a signal. */
export function signalReturnCode(signal: string | null | undefined, signals: Record<string, number>): number {
  if (!signal) return 255;
  const name = signal.startsWith('SIG') ? signal : `SIG${signal}`;
  const n = signals[name];
  return n === undefined ? 255 : -n;
}
