import type { Command } from 'commander';
import { parseWithFormat } from '../alias-parse.js';
import { type CliContext, examples } from '../cli-context.js';
import { CliError, usageError } from '../cli-error.js';

interface MatchResponse {
  actionalias?: { ref?: string; name?: string; pack?: string; action_ref?: string };
  display?: string;
  representation?: string;
  parameters?: Record<string, unknown>;
}

export function registerAliasCommand(program: Command, ctx: CliContext): void {
  const alias = program
    .command('alias')
    .description('try action alias formats and commands')
    .addHelpText(
      'after',
      examples(
        `squall alias parse --format 'run {{cmd}} on {{hosts}}' 'run date on web1'`,
        `squall alias match 'run date on web1'`,
      ),
    );

  alias
    .command('parse')
    .description('extract parameters from a command with one format, locally (no server)')
    .requiredOption('--format <format>', 'the alias format, e.g. "run {{cmd}} on {{hosts=localhost}}"')
    .argument('<command>', 'the command as typed in chat, without the bot prefix')
    .addHelpText(
      'after',
      `${examples(
        `squall alias parse --format 'run {{cmd}} on {{hosts}}' 'run date on web1'`,
        `  {"parameters": {"cmd": "date", "hosts": "web1"}}`,
        `squall alias parse --format 'deploy {{app}} to {{env=staging}}' 'deploy api'`,
      )}\nExits 0 and prints the parameters when the command matches, else prints why and exits 1.\n`,
    )
    .action(async (command: string, flags: { format: string }) => {
      const r = await parseWithFormat(flags.format, command);
      if (!r.ok) throw new CliError(r.reason, 1);
      // Only the parameters: the score is the matcher's business.
      ctx.output.json({ parameters: r.parameters });
    });

  alias
    .command('match')
    .description('find the registered alias that matches a command, as chat would (asks the server)')
    .argument('<command>', 'the command as typed in chat, without the bot prefix')
    .option('--json', 'print the API JSON')
    .addHelpText(
      'after',
      examples(`squall alias match 'run date on web1'`, `squall alias match 'pack get core' --json`) +
        "\nExits 1 with the server's message when no alias, or more than one, matches.\n",
    )
    .action(async (command: string, flags: { json?: boolean }, cmd: Command) => {
      if (!command.trim()) throw usageError('the command to match is empty');
      const res = await (await ctx.api(cmd)).post<MatchResponse>('/api/v1/actionalias/match', { command });
      if (flags.json) return ctx.output.json(res);
      const a = res.actionalias ?? {};
      const ref = a.ref ?? [a.pack, a.name].filter(Boolean).join('.');
      const c = ctx.output.color;
      ctx.output.note(
        `${c.green('✔')} matches alias ${c.bold(ref)}${a.action_ref ? ` (action ${a.action_ref})` : ''}` +
          (res.representation ? ` with format "${res.representation}"` : ''),
      );
      ctx.output.json({ alias: ref, parameters: res.parameters ?? {} });
    });
}
