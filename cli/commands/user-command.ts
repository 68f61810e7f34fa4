import { type Command, Option } from 'commander';
import { ROLES, type User } from '../../engine/model/auth.js';
import { type CliContext, examples } from '../cli-context.js';
import { obtainPassword } from '../prompt.js';

export function registerUserCommand(program: Command, ctx: CliContext): void {
  const user = program
    .command('user')
    .description('manage Squall users')
    .addHelpText('after', examples('squall user create alice --role operator', 'squall user create bot --role viewer'));

  user
    .command('create')
    .description('create a user; without a password it can only use API keys')
    .argument('<name>', 'user name')
    .addOption(new Option('--role <role>', 'the role it gets').choices([...ROLES]).default('viewer'))
    .option('--password <password>', 'its password (visible in shell history: prefer the prompt or --password-stdin)')
    .option('--password-stdin', 'read the password from stdin')
    .option('--json', 'print the API JSON')
    .addHelpText(
      'after',
      examples(
        'squall user create alice --role operator        # asks for the password on a terminal',
        'echo "$PW" | squall user create ci --role operator --password-stdin',
        'squall user create bot --role viewer            # API keys only, when stdin is not a terminal',
      ),
    )
    .action(
      async (
        name: string,
        flags: { role: string; password?: string; passwordStdin?: boolean; json?: boolean },
        cmd: Command,
      ) => {
        const password = await obtainPassword(flags, ctx.stdin, `Password for ${name}: `);
        const res = await (await ctx.api(cmd)).post<Partial<User>>('/api/v1/users', {
          name,
          roles: [flags.role],
          ...(password ? { password } : {}),
        });
        if (flags.json) return ctx.output.json(res);
        const how = password ? 'password and API keys' : 'API keys only';
        ctx.output.out(
          `Created user ${res.name ?? name} with role ${(res.roles ?? [flags.role]).join(', ')} (${how}).`,
        );
      },
    );
}
