import type { Command } from 'commander';
import type { Action, ParamSpec } from '../../engine/model/action.js';
import { type CliContext, examples } from '../cli-context.js';

export function registerActionCommand(program: Command, ctx: CliContext): void {
  const action = program
    .command('action')
    .description('list and inspect actions')
    .addHelpText('after', examples('squall action list --pack core', 'squall action get core.local'));

  action
    .command('list')
    .description('list registered actions')
    .option('--pack <pack>', 'only actions of this pack')
    .option('--json', 'print the API JSON')
    .addHelpText('after', examples('squall action list', 'squall action list --pack core --json'))
    .action(async (flags: { pack?: string; json?: boolean }, cmd: Command) => {
      const api = await ctx.api(cmd);
      const { items } = await api.list<Action>('/api/v1/actions', { pack: flags.pack });
      if (flags.json) return ctx.output.json(items);
      const c = ctx.output.color;
      ctx.output.table(
        ['ref', 'runner', 'description'],
        items.map((a) => [
          a.enabled === false ? `${a.ref} ${c.dim('(disabled)')}` : a.ref,
          a.runner_type ?? '',
          a.description ?? '',
        ]),
        flags.pack ? `No actions in pack ${flags.pack}.` : 'No actions.',
      );
    });

  action
    .command('get')
    .description('show an action and its parameters')
    .argument('<ref>', 'action reference (pack.name) or id')
    .option('--json', 'print the API JSON')
    .addHelpText('after', examples('squall action get core.local', 'squall action get core.http --json'))
    .action(async (ref: string, flags: { json?: boolean }, cmd: Command) => {
      const api = await ctx.api(cmd);
      const a = await api.get<Action>(`/api/v1/actions/${encodeURIComponent(ref)}`);
      if (flags.json) return ctx.output.json(a);
      const c = ctx.output.color;
      ctx.output.out(
        [
          `${c.bold(a.ref)}${a.enabled === false ? c.yellow(' (disabled)') : ''}`,
          a.description ?? '',
          c.dim(`runner: ${a.runner_type}${a.entry_point ? `, entry point: ${a.entry_point}` : ''}`),
        ]
          .filter(Boolean)
          .join('\n'),
      );
      ctx.output.table(
        ['name', 'type', 'required', 'default', 'description'],
        parameterRows(ctx, a.parameters ?? {}),
        'No parameters.',
      );
    });
}

/** Required parameters first, then by name; secrets marked and their defaults hidden. */
function parameterRows(ctx: CliContext, params: Record<string, ParamSpec>): string[][] {
  const c = ctx.output.color;
  return Object.entries(params)
    .sort(([an, a], [bn, b]) => Number(b.required === true) - Number(a.required === true) || an.localeCompare(bn))
    .map(([name, p]) => [
      p.secret ? `${name} ${c.yellow('(secret)')}` : name,
      p.type ?? '',
      p.required ? c.bold('yes') : 'no',
      p.default === undefined ? '' : p.secret ? '********' : JSON.stringify(p.default),
      [
        p.description ?? '',
        p.immutable ? c.dim('(immutable)') : '',
        p.enum ? c.dim(`one of: ${p.enum.map((v) => JSON.stringify(v)).join(', ')}`) : '',
      ]
        .filter(Boolean)
        .join(' '),
    ]);
}
