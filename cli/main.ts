import { CommanderError } from 'commander';
import { createContext } from './cli-context.js';
import { CliError } from './cli-error.js';
import { exitQuietlyOnClosedPipe } from './closed-pipe.js';
import { createOutput } from './output.js';
import { buildProgram } from './program.js';

/**
 * Runs `squall` with `argv` as node gives it (`[node, script, ...args]`) and resolves to the exit
 * code: 0 success, 1 the server refused or failed (or an execution did not succeed), 2 a usage
 * mistake, 130 Ctrl-C while waiting. Never calls process.exit, so output is flushed (except when the
 * reader of the output has gone: see `exitQuietlyOnClosedPipe`).
 */
export async function main(argv: string[]): Promise<number> {
  exitQuietlyOnClosedPipe();
  const output = createOutput();
  const ctx = createContext(output, process.env, process.stdin);
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv);
    return ctx.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version end with 0; every other commander error is a usage mistake, already printed.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof CliError) {
      output.note(`squall: ${e.message}`);
      return e.exitCode;
    }
    const message = e instanceof Error ? e.message : String(e);
    output.note(`squall: ${message}`);
    if (process.env.SQUALL_DEBUG && e instanceof Error && e.stack) output.note(e.stack);
    return 1;
  }
}
