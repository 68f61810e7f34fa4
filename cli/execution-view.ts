import type { Execution } from '../engine/model/execution.js';
import type { JsonObject } from '../engine/model/json.js';
import { durationText } from '../lib/duration-text.js';
import { type Colors, colorStatus } from './output.js';

/** An execution as the API returns it. Fields the CLI cannot do without are required; the rest may be absent. */
export type ExecutionJson = Pick<Execution, 'id' | 'status'> &
  Partial<Omit<Execution, 'id' | 'status' | 'action'>> & { action?: { ref?: string; runner_type?: string } };

const TERMINAL = new Set(['succeeded', 'failed', 'timeout', 'canceled', 'abandoned']);

export function isTerminalStatus(status: string): boolean {
  return TERMINAL.has(status);
}

/** A shell runner's result: StackStorm's `{stdout, stderr, return_code, succeeded, failed}`. */
export interface ShellResult {
  stdout: string;
  stderr: string;
  return_code?: number;
}

export function asShellResult(result: JsonObject | undefined): ShellResult | undefined {
  if (!result || typeof result.stdout !== 'string' || typeof result.stderr !== 'string') return undefined;
  const rc = result.return_code;
  return { stdout: result.stdout, stderr: result.stderr, return_code: typeof rc === 'number' ? rc : undefined };
}

/** Wall time between request and end (or now, while running), as `850 ms`, `12.3 s` or `4 min 05 s`. */
export function formatDuration(e: ExecutionJson, now = Date.now()): string {
  const start = e.start_timestamp ? Date.parse(e.start_timestamp) : Number.NaN;
  if (!Number.isFinite(start)) return '';
  const end = e.end_timestamp ? Date.parse(e.end_timestamp) : now;
  return durationText(Math.max(0, end - start));
}

/** The one line `squall run` ends with: `✔ succeeded core.local 65f0… in 1.2 s (exit code 0)`. */
export function statusLine(c: Colors, e: ExecutionJson): string {
  const mark = e.status === 'succeeded' ? c.green('✔') : isTerminalStatus(e.status) ? c.red('✖') : c.cyan('…');
  const shell = asShellResult(e.result);
  const parts = [mark, colorStatus(c, e.status), e.action?.ref ?? '', c.dim(e.id)];
  const took = formatDuration(e);
  if (took) parts.push(`in ${took}`);
  if (shell?.return_code !== undefined) parts.push(c.dim(`(exit code ${shell.return_code})`));
  return parts.filter(Boolean).join(' ');
}

/** The user who asked, as StackStorm records it. */
export function executionUser(e: ExecutionJson): string {
  const ctx = e.context;
  return (ctx?.api_user as string | undefined) ?? ctx?.user ?? '';
}
