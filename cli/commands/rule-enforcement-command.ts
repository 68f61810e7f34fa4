import type { Command } from 'commander';
import { type CliContext, examples } from '../cli-context.js';
import { positiveInt } from './rule-manage.js';

interface EnforcementItem {
  id: string;
  rule: { ref: string; id: string };
  trigger_instance_id: string;
  execution_id?: string;
  status: string;
  failure_reason?: string;
  enforced_at: string;
}

/** `squall rule-enforcement list`: what matched rules did. */
export function registerRuleEnforcementCommand(program: Command, ctx: CliContext): void {
  const re = program
    .command('rule-enforcement')
    .description('rule enforcements: which rule acted on which trigger instance, and the execution it started')
    .addHelpText('after', examples('squall rule-enforcement list', 'squall rule-enforcement list --rule ops.on_alert'));

  re.command('list')
    .description('list rule enforcements, newest first')
    .option('--rule <ref>', 'only this rule (ref or id)')
    .option('--execution <id>', 'only the enforcement that started this execution')
    .option('--trigger-instance <id>', 'only enforcements of this trigger instance')
    .option('-n, --limit <n>', 'at most this many (default 50)', (v) => positiveInt(v, '--limit'))
    .option('--json', 'print the API JSON')
    .action(
      async (
        flags: { rule?: string; execution?: string; triggerInstance?: string; limit?: number; json?: boolean },
        cmd: Command,
      ) => {
        const byId = flags.rule !== undefined && /^[0-9a-f]{24}$/.test(flags.rule);
        const { items, total } = await (await ctx.api(cmd)).list<EnforcementItem>('/api/v1/ruleenforcements', {
          ...(flags.rule !== undefined ? (byId ? { rule_id: flags.rule } : { rule_ref: flags.rule }) : {}),
          execution: flags.execution,
          trigger_instance: flags.triggerInstance,
          limit: flags.limit ?? 50,
        });
        if (flags.json) return ctx.output.json(items);
        ctx.output.table(
          ['id', 'rule', 'trigger_instance', 'execution', 'status', 'enforced_at'],
          items.map((e) => [
            e.id,
            e.rule.ref,
            e.trigger_instance_id,
            e.execution_id ?? '',
            e.status === 'failed' && e.failure_reason ? `failed: ${e.failure_reason}` : e.status,
            e.enforced_at,
          ]),
          'No rule enforcements.',
        );
        if (total !== undefined && total > items.length) ctx.output.note(`${items.length} of ${total} shown; use -n.`);
      },
    );
}
