import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { ApiClient } from '../api-client.js';
import { type CliContext, examples } from '../cli-context.js';
import { usageError } from '../cli-error.js';
import { obtainPassword, promptLine } from '../prompt.js';
import { saveToken } from '../token-file.js';

export function registerLoginCommand(program: Command, ctx: CliContext): void {
  program
    .command('login')
    .description('log in with a user name and password; the token is saved for later commands')
    .option('--username <user>', 'user name (asked on a terminal when omitted)')
    .option('--password-stdin', 'read the password from stdin')
    .addHelpText(
      'after',
      examples('squall login --username alice', 'echo "$PW" | squall login --username ci --password-stdin') +
        '\nThe token is saved in <data-dir>/cli-token (mode 0600) and used when no API key or\nSQUALL_AUTH_TOKEN is set. It is only sent to the server that issued it.\n',
    )
    .action(async (flags: { username?: string; passwordStdin?: boolean }, cmd: Command) => {
      const cfg = await ctx.config(cmd);
      let username = flags.username;
      if (!username && ctx.stdin.isTTY && !flags.passwordStdin) {
        username = (await promptLine(`Username [${userInfo().username}]: `, ctx.stdin)) || userInfo().username;
      }
      if (!username) throw usageError('--username is required when there is no terminal to ask on');
      const password = await obtainPassword(flags, ctx.stdin);
      if (password === undefined)
        throw usageError('no terminal to ask for the password on: pass it with --password-stdin');
      const t = await new ApiClient(cfg.apiUrl, { kind: 'none' }).login(username, password);
      const path = await saveToken(cfg.dataDir, {
        token: t.token,
        user: t.user ?? username,
        expiry: t.expiry,
        api_url: cfg.apiUrl,
      });
      const until = t.expiry ? ` until ${t.expiry}` : '';
      ctx.output.out(`Logged in to ${cfg.apiUrl} as ${t.user ?? username}${until}; token saved in ${path}.`);
    });
}
