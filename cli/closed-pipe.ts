/**
 * Keeps a reader that stops early (`squall --help | head`, a pager quit before the end) from turning
 * into an unhandled-EPIPE stack trace, which Node prints when nobody listens for the write error.
 * Stdout gone: nothing more can be shown and the reader chose to stop, so the process ends at once,
 * with exit code 0. Stderr gone: its notes are dropped and the command carries on, so the output and
 * the exit code that scripts read stay as they were.
 */
export function exitQuietlyOnClosedPipe(
  stdout: NodeJS.WriteStream = process.stdout,
  stderr: NodeJS.WriteStream = process.stderr,
): void {
  stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  stderr.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}
