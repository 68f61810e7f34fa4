import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { runRemoteShell } from '../../bot/terminal/remote-shell.js';
import { shellHistoryFile } from '../../bot/terminal/shell-terminal.js';
import { type CliContext, examples } from '../cli-context.js';
import { colorWanted } from '../output.js';

export function registerShellCommand(program: Command, ctx: CliContext): void {
  program
    .command('shell')
    .description('chat with a running Squall from the terminal, as in Slack (!run date, !help)')
    .option(
      '--user <chat user>',
      'name shown in the prompt and sent as the chat user (the server runs commands as your credentials)',
    )
    .addHelpText(
      'after',
      examples('squall shell', 'squall shell --user alice') +
        '\nType commands as in chat (e.g. !help, !run date). Ctrl-D leaves; Ctrl-C clears the line.\n' +
        'History is kept in <data-dir>/shell-history.\n',
    )
    .action(async (flags: { user?: string }, cmd: Command) => {
      const cfg = await ctx.config(cmd);
      const api = await ctx.api(cmd);
      // Who the server will say ran the commands; also checks the server is up before the prompt shows.
      const me = await api.get<{ username?: string }>('/api/v1/user');
      ctx.exitCode = await runRemoteShell({
        api,
        input: process.stdin,
        output: process.stdout,
        user: flags.user,
        ...(me?.username ? { owner: me.username } : {}),
        displayName: flags.user ?? me?.username ?? userInfo().username,
        color: colorWanted(process.stdout, ctx.env),
        historyFile: shellHistoryFile(cfg.dataDir),
      });
    });
}
