import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ROLES } from '../../app/roles/role-table.js';
import { resolveDataDir } from '../cli-config.js';
import { type CliContext, examples } from '../cli-context.js';
import { CliError } from '../cli-error.js';

export function registerStartCommand(program: Command, ctx: CliContext): void {
  program
    .command('start')
    .description('start Squall: every role in one process, or only the roles named')
    .option('--host <host>', 'address the API listens on', '127.0.0.1')
    .option('--port <port>', 'port the API listens on (0 picks a free port)', '9101')
    .option('--config <file>', 'configuration file (squall.yaml)')
    .option(
      '--role <role...>',
      `run only these roles: ${ROLES.map((r) => r.name).join(', ')} (a subset needs the RabbitMQ bus)`,
    )
    .option('--no-shell', 'do not attach the terminal chat shell when no chat platform is configured')
    .addHelpText('after', `\nRoles:\n${ROLES.map((r) => `  ${r.name.padEnd(10)} ${r.summary}`).join('\n')}`)
    .addHelpText(
      'after',
      examples(
        'squall start',
        'squall start --data-dir /var/lib/squall --port 8080',
        'squall start --config squall.yaml --role api --role scheduler',
        'squall start --role runner --no-shell',
      ),
    )
    .action(
      async (flags: { host: string; port: string; config?: string; role?: string[]; shell: boolean }, cmd: Command) => {
        const port = Number(flags.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) {
          throw new CliError(`--port must be a whole number from 0 to 65535, not "${flags.port}"`, 2);
        }
        const globals = cmd.optsWithGlobals<{ dataDir?: string }>();
        // Loaded here, not at the top, so that every other command starts without the engine.
        const { runServer } = await import('../../app/run-server.js');
        ctx.exitCode = await runServer({
          host: flags.host,
          port,
          dataDir: resolveDataDir(globals.dataDir, ctx.env),
          configPath: flags.config ? resolve(flags.config) : undefined,
          roles: flags.role?.flatMap((r) => r.split(',')).filter(Boolean),
          shell: flags.shell,
        });
      },
    );
}
