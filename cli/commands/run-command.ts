import type { Command } from 'commander';
import type { ApiClient } from '../api-client.js';
import { type CliContext, examples } from '../cli-context.js';
import { usageError } from '../cli-error.js';
import { printOutcome } from '../execution-print.js';
import type { ExecutionJson } from '../execution-view.js';
import { ExecutionWatcher } from '../execution-watch.js';
import { parseKeyValues } from '../kv-args.js';
import type { Output } from '../output.js';
import { startSpinner } from '../spinner.js';

/** Tells the server to cast `key=value` strings to the declared parameter types, as chat input is. */
export const CAST_STRINGS_HEADER = 'X-Squall-Cast-Strings';

interface WaitFlags {
  async?: boolean;
  json?: boolean;
  timeout?: string;
}

export function registerRunCommand(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description('run an action and wait for its result')
    .argument('<action>', 'action reference, e.g. core.local')
    .argument('[parameters...]', 'parameters as key=value (the server casts them to their types)')
    .option('--async', 'print the execution id and return at once')
    .option('--json', 'print the execution as JSON (no live output)')
    .option('--timeout <seconds>', 'stop waiting after this many seconds (the execution keeps running)')
    .addHelpText(
      'after',
      examples(
        'squall run core.local cmd=date',
        'squall run core.local cmd="uname -a" --json',
        'squall run core.http url=https://example.com method=GET --async',
        'squall run mypack.deploy env=prod tags=web,db --timeout 300',
      ),
    )
    .action(async (action: string, words: string[], flags: WaitFlags, cmd: Command) => {
      const parameters = parseKeyValues(words);
      const timeoutMs = parseTimeout(flags.timeout);
      const api = await ctx.api(cmd);
      if (flags.async) {
        const e = await requestExecution(api, action, parameters);
        if (flags.json) ctx.output.json(e);
        else ctx.output.out(e.id);
        ctx.output.note(ctx.output.color.dim(`follow it with: squall execution tail ${e.id}`));
        return;
      }
      ctx.exitCode = await runAndWait(ctx.output, api, () => requestExecution(api, action, parameters), {
        json: flags.json === true,
        timeoutMs,
      });
    });
}

export function requestExecution(
  api: ApiClient,
  action: string,
  parameters: Record<string, string>,
): Promise<ExecutionJson> {
  return api.post<ExecutionJson>(
    '/api/v1/executions',
    { action, parameters },
    { headers: { [CAST_STRINGS_HEADER]: 'true' } },
  );
}

export function parseTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const s = Number(value);
  if (!Number.isFinite(s) || s <= 0) throw usageError(`--timeout must be a positive number of seconds, not "${value}"`);
  return s * 1000;
}

/**
 * Starts an execution with `start` and follows it: live output (unless `json`), a spinner on a
 * terminal, then the outcome. Returns the exit code: 0 when it succeeded, 1 otherwise, 130 on Ctrl-C
 * (which leaves the execution running and says how to cancel it).
 */
export async function runAndWait(
  output: Output,
  api: ApiClient,
  start: () => Promise<ExecutionJson>,
  opts: { json: boolean; timeoutMs?: number },
): Promise<number> {
  let spinner = await startSpinner('waiting for the result');
  const stopSpinner = () => spinner.stop();
  const watcher = await ExecutionWatcher.open(api, {
    live: !opts.json,
    onOutput: (chunk) => {
      stopSpinner();
      if (chunk.stream === 'stdout') output.raw(chunk.data);
      else output.rawErr(chunk.data);
    },
  });
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.once('SIGINT', onSigint);
  try {
    let started: ExecutionJson;
    try {
      started = await start();
    } catch (e) {
      stopSpinner();
      throw e;
    }
    spinner.stop();
    if (!watcher.streamed.stdout && !watcher.streamed.stderr) {
      spinner = await startSpinner(`${started.action?.ref ?? 'execution'} ${started.id}: ${started.status}`);
    }
    const r = await watcher.follow(started.id, { timeoutMs: opts.timeoutMs, signal: interrupt.signal });
    stopSpinner();
    if (r.end === 'interrupted' || r.end === 'timeout') {
      const c = output.color;
      const why =
        r.end === 'timeout' ? `is still ${r.execution.status} after the --timeout` : `is still ${r.execution.status}`;
      output.note(`\nExecution ${r.execution.id} ${why}; it was not canceled.`);
      output.note(c.dim(`  follow it: squall execution tail ${r.execution.id}`));
      output.note(c.dim(`  cancel it: squall execution cancel ${r.execution.id}`));
      if (opts.json) output.json(r.execution);
      return r.end === 'interrupted' ? 130 : 1;
    }
    if (opts.json) output.json(r.execution);
    else printOutcome(output, r.execution, r.streamed);
    return r.execution.status === 'succeeded' ? 0 : 1;
  } finally {
    stopSpinner();
    process.removeListener('SIGINT', onSigint);
    watcher.close();
  }
}
