import type { Command } from 'commander';
import type { Trace, TraceComponent } from '../../engine/traces/traces.js';
import type { ApiClient } from '../api-client.js';
import { type CliContext, examples } from '../cli-context.js';

const ID = /^[0-9a-f]{24}$/;

/** The trace a user names: a trace tag, or the id of an execution (or trigger instance) in it. */
async function findTrace(api: ApiClient, what: string): Promise<Trace | undefined> {
  if (ID.test(what)) {
    const byExecution = (await api.list<Trace>('/api/v1/traces', { execution: what })).items[0];
    if (byExecution) return byExecution;
    const byId = await api.get<Trace>(`/api/v1/traces/${what}`).catch(() => undefined);
    if (byId) return byId;
  }
  return (await api.list<Trace>('/api/v1/traces', { trace_tag: what })).items[0];
}

/** The chain as indented lines: trigger → rule → execution → child executions. */
async function chainLines(api: ApiClient, t: Trace): Promise<string[]> {
  const status = new Map<string, string>();
  for (const e of t.action_executions) {
    const got = await api.get<{ status?: string }>(`/api/v1/executions/${e.object_id}`).catch(() => undefined);
    if (got?.status) status.set(e.object_id, got.status);
  }
  const lines: string[] = [];
  const shown = new Set<string>();
  const execution = (e: TraceComponent, depth: number, label: string) => {
    if (shown.has(e.object_id)) return;
    shown.add(e.object_id);
    const st = status.get(e.object_id);
    lines.push(`${'  '.repeat(depth)}${label} ${e.ref} ${e.object_id}${st ? ` ${st}` : ''}`);
    for (const c of t.action_executions) {
      if (c.caused_by.type === 'action_execution' && c.caused_by.id === e.object_id) {
        execution(c, depth + 1, 'child execution');
      }
    }
  };
  // Executions no rule started (the API, chat) come first: their action triggers follow from them.
  for (const e of t.action_executions) if (e.caused_by.type === undefined) execution(e, 0, 'execution');
  for (const ti of t.trigger_instances) {
    const from = ti.caused_by.type === 'action_execution' ? ` (from execution ${String(ti.caused_by.id)})` : '';
    lines.push(`trigger ${ti.ref} ${ti.object_id}${from}`);
    for (const r of t.rules) {
      if (r.caused_by.id !== ti.object_id) continue;
      lines.push(`  rule ${r.ref}`);
      for (const e of t.action_executions) {
        if (e.caused_by.type === 'rule' && e.caused_by.id === `${r.object_id}:${ti.object_id}`)
          execution(e, 2, 'execution');
      }
    }
  }
  for (const e of t.action_executions) if (!shown.has(e.object_id)) execution(e, 0, 'execution');
  return lines;
}

export function registerTraceCommand(program: Command, ctx: CliContext): void {
  const trace = program
    .command('trace')
    .description('what an event set in motion: trigger, rules, executions and their children')
    .addHelpText(
      'after',
      examples('squall trace get webhook-alerts-3f2a…', 'squall trace get 65f0c2a1e4b0a1b2c3d4e5f6'),
    );

  trace
    .command('get')
    .description('show one trace, by trace tag or by the id of an execution in it')
    .argument('<trace-tag|execution-id>', 'a trace tag, or an execution id')
    .option('--json', 'print the API JSON')
    .action(async (what: string, flags: { json?: boolean }, cmd: Command) => {
      const api = await ctx.api(cmd);
      const t = await findTrace(api, what);
      if (!t) {
        ctx.output.note(`No trace has tag or execution "${what}".`);
        process.exitCode = 1;
        return;
      }
      if (flags.json) return ctx.output.json(t);
      ctx.output.out(`trace ${t.trace_tag} (id ${t.id}, started ${t.start_timestamp})`);
      for (const line of await chainLines(api, t)) ctx.output.out(line);
    });

  trace
    .command('list')
    .description('list recent traces, newest first')
    .option('--limit <n>', 'how many', '20')
    .option('--json', 'print the API JSON')
    .action(async (flags: { limit: string; json?: boolean }, cmd: Command) => {
      const { items } = await (await ctx.api(cmd)).list<Trace>('/api/v1/traces', { limit: flags.limit });
      if (flags.json) return ctx.output.json(items);
      ctx.output.table(
        ['trace tag', 'started', 'triggers', 'rules', 'executions'],
        items.map((t) => [
          t.trace_tag,
          t.start_timestamp,
          String(t.trigger_instances.length),
          String(t.rules.length),
          String(t.action_executions.length),
        ]),
        'No traces.',
      );
    });
}
