import { asShellResult, type ExecutionJson, statusLine } from './execution-view.js';
import { unseenRemainder } from './execution-watch.js';
import type { Output } from './output.js';

/**
 * Prints an execution's result after it ended: for shell runners the stdout and stderr not already
 * shown live (stdout to stdout, stderr to stderr, so `squall run ... > file` captures the command's
 * output), otherwise the result JSON; then the status line on stderr.
 */
export function printOutcome(
  output: Output,
  e: ExecutionJson,
  streamed: { stdout: string; stderr: string } = { stdout: '', stderr: '' },
): void {
  const shell = asShellResult(e.result);
  if (shell) {
    writeEnsuringNewline(output.raw, unseenRemainder(shell.stdout, streamed.stdout), streamed.stdout);
    writeEnsuringNewline(output.rawErr, unseenRemainder(shell.stderr, streamed.stderr), streamed.stderr);
  } else {
    endLine(output.raw, streamed.stdout);
    endLine(output.rawErr, streamed.stderr);
    if (e.result !== undefined && Object.keys(e.result).length > 0) output.json(e.result);
  }
  output.note(statusLine(output.color, e));
}

/** Writes `text`, then a newline if the stream (live part included) does not already end with one. */
function writeEnsuringNewline(write: (t: string) => void, text: string, before: string): void {
  if (text) write(text);
  endLine(write, before + text);
}

function endLine(write: (t: string) => void, shown: string): void {
  if (shown && !shown.endsWith('\n')) write('\n');
}
