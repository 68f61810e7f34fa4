import type { Command } from 'commander';
import type { ApiClient } from '../api-client.js';
import { type CliContext, examples } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { printOutcome } from '../execution-print.js';
import { loadTaskTree, renderTaskTree } from '../execution-tree.js';
import {
  asShellResult,
  type ExecutionJson,
  executionUser,
  formatDuration,
  isTerminalStatus,
  statusLine,
} from '../execution-view.js';
import { ExecutionWatcher } from '../execution-watch.js';
import { parseKeyValues } from '../kv-args.js';
import { colorStatus } from '../output.js';
import { CAST_STRINGS_HEADER, parseTimeout, runAndWait } from './run-command.js';

const path = (id: string) => `/api/v1/executions/${encodeURIComponent(id)}`;

export function registerExecutionCommand(program: Command, ctx: CliContext): void {
  const execution = program
    .command('execution')
    .description('inspect, follow, cancel and re-run executions')
    .addHelpText(
      'after',
      examples('squall execution list --status failed', 'squall execution tail 65f0c2a1e4b0a1b2c3d4e5f6'),
    );

  execution
    .command('list')
    .description('list recent executions, newest first')
    .option('--action <ref>', 'only this action')
    .option('--status <status>', 'only this status (requested, running, succeeded, failed, ...)')
    .option('--user <user>', 'only executions requested by this user')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print the API JSON')
    .addHelpText(
      'after',
      examples('squall execution list', 'squall execution list --action core.local --limit 10 --json'),
    )
    .action(
      async (
        flags: { action?: string; status?: string; user?: string; limit: string; json?: boolean },
        cmd: Command,
      ) => {
        const api = await ctx.api(cmd);
        const { items, total } = await api.list<ExecutionJson>('/api/v1/executions', {
          action: flags.action,
          status: flags.status,
          user: flags.user,
          limit: positiveInt(flags.limit, '--limit'),
        });
        if (flags.json) return ctx.output.json(items);
        const c = ctx.output.color;
        ctx.output.table(
          ['id', 'action', 'status', 'user', 'started', 'took'],
          items.map((e) => [
            e.id,
            e.action?.ref ?? '',
            colorStatus(c, e.status),
            executionUser(e),
            e.start_timestamp ?? '',
            formatDuration(e),
          ]),
          'No executions.',
        );
        if (total !== undefined && total > items.length) ctx.output.note(c.dim(`${items.length} of ${total} shown`));
      },
    );

  execution
    .command('get')
    .description('show an execution: parameters, status, result and output')
    .argument('<id>', 'execution id')
    .option('--json', 'print the API JSON')
    .addHelpText('after', examples('squall execution get 65f0c2a1e4b0a1b2c3d4e5f6'))
    .action(async (id: string, flags: { json?: boolean }, cmd: Command) => {
      const api = await ctx.api(cmd);
      const e = await api.get<ExecutionJson>(path(id));
      if (flags.json) return ctx.output.json(e);
      showExecution(ctx, e, await fetchOutput(api, id));
      // A workflow: its tasks (child executions) as a tree, sub-workflows opened.
      if ((e.children?.length ?? 0) > 0) {
        const tree = await loadTaskTree(api, id);
        ctx.output.out(`${ctx.output.color.bold('tasks:')}\n${renderTaskTree(ctx.output.color, tree).join('\n')}`);
      }
    });

  execution
    .command('tail')
    .description("follow an execution's output until it ends")
    .argument('<id>', 'execution id')
    .option('--timeout <seconds>', 'stop following after this many seconds')
    .addHelpText('after', examples('squall execution tail 65f0c2a1e4b0a1b2c3d4e5f6'))
    .action(async (id: string, flags: { timeout?: string }, cmd: Command) => {
      ctx.exitCode = await tail(ctx, await ctx.api(cmd), id, parseTimeout(flags.timeout));
    });

  execution
    .command('cancel')
    .description('cancel a requested, scheduled or running execution')
    .argument('<id>', 'execution id')
    .option('--json', 'print the API JSON')
    .addHelpText('after', examples('squall execution cancel 65f0c2a1e4b0a1b2c3d4e5f6'))
    .action(async (id: string, flags: { json?: boolean }, cmd: Command) => {
      const api = await ctx.api(cmd);
      const res = await api.delete<ExecutionJson | undefined>(path(id));
      if (flags.json) return ctx.output.json(res ?? { id });
      const status = res?.status ? colorStatus(ctx.output.color, res.status) : 'canceling';
      ctx.output.out(`Execution ${id}: ${status}`);
    });

  for (const [verb, status, what] of [
    ['pause', 'pausing', 'pause a running workflow: its running tasks finish, nothing new starts'],
    ['resume', 'resuming', 'resume a paused workflow'],
  ] as const) {
    execution
      .command(verb)
      .description(what)
      .argument('<id>', 'execution id')
      .option('--json', 'print the API JSON')
      .addHelpText('after', examples(`squall execution ${verb} 65f0c2a1e4b0a1b2c3d4e5f6`))
      .action(async (id: string, flags: { json?: boolean }, cmd: Command) => {
        const api = await ctx.api(cmd);
        const res = await api.request<ExecutionJson>('PUT', path(id), { body: { status } });
        if (flags.json) return ctx.output.json(res);
        ctx.output.out(`Execution ${id}: ${colorStatus(ctx.output.color, res.status)}`);
      });
  }

  execution
    .command('re-run')
    .description('run an execution again with the same parameters, key=value pairs overriding them')
    .argument('<id>', 'execution id')
    .argument('[parameters...]', 'overrides as key=value')
    .option('--async', 'print the new execution id and return at once')
    .option('--json', 'print the execution as JSON')
    .option('--timeout <seconds>', 'stop waiting after this many seconds')
    .option('--tasks <names...>', 'a completed workflow runs again from these tasks, reusing the results of the others')
    .option('--no-reset <names...>', 'with-items tasks among --tasks that keep their succeeded items')
    .addHelpText(
      'after',
      examples(
        'squall execution re-run 65f0c2a1e4b0a1b2c3d4e5f6',
        'squall execution re-run 65f0c2a1e4b0a1b2c3d4e5f6 cmd=uptime',
        'squall execution re-run 65f0c2a1e4b0a1b2c3d4e5f6 --tasks deploy notify',
      ),
    )
    .action(
      async (
        id: string,
        words: string[],
        flags: { async?: boolean; json?: boolean; timeout?: string; tasks?: string[]; reset?: string[] | boolean },
        cmd: Command,
      ) => {
        const parameters = parseKeyValues(words);
        const timeoutMs = parseTimeout(flags.timeout);
        const api = await ctx.api(cmd);
        const tasks = flags.tasks ?? [];
        // st2's client: every task is reset unless --no-reset names it.
        const keep = Array.isArray(flags.reset) ? flags.reset : [];
        const body = {
          parameters,
          ...(tasks.length > 0 ? { tasks, reset: tasks.filter((t) => !keep.includes(t)) } : {}),
        };
        const start = () =>
          api.post<ExecutionJson>(`${path(id)}/re_run`, body, { headers: { [CAST_STRINGS_HEADER]: 'true' } });
        if (flags.async) {
          const e = await start();
          if (flags.json) ctx.output.json(e);
          else ctx.output.out(e.id);
          return;
        }
        ctx.exitCode = await runAndWait(ctx.output, api, start, { json: flags.json === true, timeoutMs });
      },
    );
}

/** `GET /executions/{id}/output` as text; empty when the server keeps none or has no such route. */
async function fetchOutput(api: ApiClient, id: string): Promise<string> {
  try {
    return await api.get<string>(`${path(id)}/output`, { text: true });
  } catch (e) {
    if (e instanceof CliError && e.status === 404) return '';
    throw e;
  }
}

function showExecution(ctx: CliContext, e: ExecutionJson, output: string): void {
  const c = ctx.output.color;
  const rows: [string, string][] = [
    ['id', e.id],
    ['action', e.action?.ref ?? ''],
    ['status', colorStatus(c, e.status)],
    ['user', executionUser(e)],
    ['started', e.start_timestamp ?? ''],
    ['ended', e.end_timestamp ?? ''],
    ['took', formatDuration(e)],
    ['parameters', e.parameters && Object.keys(e.parameters).length ? JSON.stringify(e.parameters, null, 2) : ''],
  ];
  if (e.parent) rows.push(['parent', e.parent]);
  ctx.output.out(
    rows
      .filter(([, v]) => v !== '')
      .map(([k, v]) => `${c.bold(`${k}:`.padEnd(12))}${indentRest(v, 12)}`)
      .join('\n'),
  );
  const shell = asShellResult(e.result);
  if (shell) {
    if (shell.stdout) ctx.output.out(`${c.bold('stdout:')}\n${shell.stdout}`);
    if (shell.stderr) ctx.output.out(`${c.bold('stderr:')}\n${c.red(shell.stderr)}`);
    if (shell.return_code !== undefined) ctx.output.out(`${c.bold('exit code:'.padEnd(12))}${shell.return_code}`);
  } else {
    if (output) ctx.output.out(`${c.bold('output:')}\n${output}`);
    if (e.result !== undefined) ctx.output.out(`${c.bold('result:')}\n${JSON.stringify(e.result, null, 2)}`);
  }
}

function indentRest(text: string, width: number): string {
  return text.split('\n').join(`\n${' '.repeat(width)}`);
}

async function tail(ctx: CliContext, api: ApiClient, id: string, timeoutMs: number | undefined): Promise<number> {
  const first = await api.get<ExecutionJson>(path(id));
  if (isTerminalStatus(first.status)) {
    finish(ctx, first, await fetchOutput(api, id));
    return first.status === 'succeeded' ? 0 : 1;
  }
  // Open the stream before reading what was written so far, so that nothing falls in between.
  const early: { stream: 'stdout' | 'stderr'; data: string }[] = [];
  let caughtUp = false;
  const print = (chunk: { stream: 'stdout' | 'stderr'; data: string }) =>
    chunk.stream === 'stdout' ? ctx.output.raw(chunk.data) : ctx.output.rawErr(chunk.data);
  const watcher = await ExecutionWatcher.open(api, {
    live: true,
    executionId: id,
    onOutput: (chunk) => (caughtUp ? print(chunk) : early.push(chunk)),
  });
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.once('SIGINT', onSigint);
  try {
    const sofar = await fetchOutput(api, id);
    ctx.output.raw(sofar);
    // Chunks that arrived while the history was read are usually in it already.
    for (const chunk of early) if (!sofar.includes(chunk.data)) print(chunk);
    caughtUp = true;
    const r = await watcher.follow(id, { timeoutMs, signal: interrupt.signal });
    if (r.end !== 'terminal') {
      ctx.output.note(`\nStopped following; execution ${id} is still ${r.execution.status} (not canceled).`);
      return r.end === 'interrupted' ? 130 : 1;
    }
    finish(ctx, r.execution, sofar + r.streamed.stdout + r.streamed.stderr, true);
    return r.execution.status === 'succeeded' ? 0 : 1;
  } finally {
    process.removeListener('SIGINT', onSigint);
    watcher.close();
  }
}

/** Ends a tail: the output already `shown` (or the result's, when there was none), then the status line. */
function finish(ctx: CliContext, e: ExecutionJson, shown: string, alreadyPrinted = false): void {
  if (!shown) {
    printOutcome(ctx.output, e);
    return;
  }
  if (!alreadyPrinted) ctx.output.raw(shown);
  if (!shown.endsWith('\n')) ctx.output.raw('\n');
  if (!asShellResult(e.result) && e.result !== undefined) ctx.output.json(e.result);
  ctx.output.note(statusLine(ctx.output.color, e));
}

export function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new CliError(`${flag} must be a positive whole number, not "${value}"`, 2);
  return n;
}
