import { Command } from 'commander';
import { packageVersion } from '../lib/package-version.js';
import { DEFAULT_API_URL } from './cli-config.js';
import { type CliContext, examples } from './cli-context.js';
import { registerActionCommand } from './commands/action-command.js';
import { registerAliasCommand } from './commands/alias-command.js';
import { registerApiKeyCommand } from './commands/apikey-command.js';
import { registerExecutionCommand } from './commands/execution-command.js';
import { registerGcCommand } from './commands/gc-command.js';
import { registerInquiryCommand } from './commands/inquiry-command.js';
import { registerKeyCommand } from './commands/key-command.js';
import { registerLoginCommand } from './commands/login-command.js';
import { registerPackCommand } from './commands/pack-command.js';
import { registerPolicyCommand } from './commands/policy-command.js';
import { registerRuleCommand } from './commands/rule-command.js';
import { registerRuleEnforcementCommand } from './commands/rule-enforcement-command.js';
import { registerRunCommand } from './commands/run-command.js';
import { registerShellCommand } from './commands/shell-command.js';
import { registerStartCommand } from './commands/start-command.js';
import { registerStatusCommand } from './commands/status-command.js';
import { registerTraceCommand } from './commands/trace-command.js';
import { registerTriggerCommand, registerTriggerInstanceCommand } from './commands/trigger-command.js';
import { registerUserCommand } from './commands/user-command.js';
import { registerWebhookCommand } from './commands/webhook-command.js';
import { registerWorkflowCommand } from './commands/workflow-command.js';

/**
 * The `squall` command tree. Settings made here before the subcommands are added (exit override,
 * output, help) are inherited by every subcommand.
 */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('squall');
  program
    .description('ChatOps-first automation, compatible with StackStorm packs and API')
    .version(packageVersion(), '-V, --version')
    .option('--api-url <url>', `Squall server (env SQUALL_API_URL; default ${DEFAULT_API_URL})`)
    .option('--api-key <key>', 'API key (env SQUALL_API_KEY); see `squall login` and <data-dir>/credentials')
    .option('--data-dir <dir>', 'data directory (env SQUALL_HOME; default ~/.squall)')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({
      writeOut: (s) => ctx.output.raw(s),
      writeErr: (s) => ctx.output.rawErr(s),
      // Commander's own errors ("error: unknown option") become `squall: unknown option ...`.
      outputError: (s, write) => write(`squall: ${s.replace(/^error: /, '')}`),
    })
    .addHelpText(
      'after',
      examples(
        'squall start',
        'squall run core.local cmd=date',
        'squall execution list --status failed',
        'squall shell',
        'squall <command> --help',
      ),
    );

  registerStartCommand(program, ctx);
  registerStatusCommand(program, ctx);
  registerRunCommand(program, ctx);
  registerExecutionCommand(program, ctx);
  registerInquiryCommand(program, ctx);
  registerActionCommand(program, ctx);
  registerPackCommand(program, ctx);
  registerApiKeyCommand(program, ctx);
  registerUserCommand(program, ctx);
  registerLoginCommand(program, ctx);
  registerAliasCommand(program, ctx);
  registerRuleCommand(program, ctx);
  registerRuleEnforcementCommand(program, ctx);
  registerTriggerCommand(program, ctx);
  registerTriggerInstanceCommand(program, ctx);
  registerKeyCommand(program, ctx);
  registerWebhookCommand(program, ctx);
  registerTraceCommand(program, ctx);
  registerShellCommand(program, ctx);
  registerWorkflowCommand(program, ctx);
  registerPolicyCommand(program, ctx);
  registerGcCommand(program, ctx);
  return program;
}
