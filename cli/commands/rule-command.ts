import type { Command } from 'commander';
import { type CliContext, examples } from '../cli-context.js';
import { type RuleTestReport, testRuleFiles } from '../rule-test.js';
import { registerRuleManagement } from './rule-manage.js';

export function registerRuleCommand(program: Command, ctx: CliContext): void {
  const rule = program
    .command('rule')
    .description('work with rules (trigger → criteria → action)')
    .addHelpText(
      'after',
      examples(
        'squall rule test --rule rules/on_alert.yaml --payload alert.json',
        'squall rule create rules/on_alert.yaml',
        'squall rule list --pack ops',
        'squall rule disable ops.on_alert',
      ),
    );

  registerRuleManagement(rule, ctx);

  rule
    .command('test')
    .description('evaluate a rule against a trigger payload, locally: nothing runs, no server needed')
    .requiredOption('--rule <file>', 'the rule (YAML or JSON)')
    .requiredOption('--payload <file>', 'the trigger payload (JSON or YAML)')
    .option('--trigger-type <type>', "the trigger type the payload came from (default: the rule's)")
    .option('--kv <file>', 'datastore values for st2kv.* as YAML/JSON: {system: {name: value}, user: {...}}')
    .option('--json', 'print the evaluation as JSON')
    .addHelpText(
      'after',
      `${examples(
        'squall rule test --rule rules/on_alert.yaml --payload alert.json',
        'squall rule test --rule rule.json --payload payload.yaml --trigger-type core.st2.webhook',
        'squall rule test --rule rules/threshold.yaml --payload p.json --kv kv.yaml',
      )}\nExits 0 when the rule matches, 1 when it does not (or its action parameters cannot be rendered),\n2 for invalid input (an unreadable file, an invalid rule).\n`,
    )
    .action(async (flags: { rule: string; payload: string; triggerType?: string; kv?: string; json?: boolean }) => {
      const report = await testRuleFiles({
        rulePath: flags.rule,
        payloadPath: flags.payload,
        ...(flags.triggerType ? { triggerType: flags.triggerType } : {}),
        ...(flags.kv ? { kvPath: flags.kv } : {}),
      });
      if (flags.json) ctx.output.json(report);
      else print(ctx, report);
      ctx.exitCode = report.matched && report.action.parameters.ok ? 0 : 1;
    });
}

function print(ctx: CliContext, r: RuleTestReport): void {
  const c = ctx.output.color;
  const lines = [`rule ${c.bold(r.rule)} on ${r.triggerType}`];
  if (r.criteria.length === 0) lines.push('  (no criteria: every event of the trigger matches)');
  for (const cr of r.criteria) {
    const mark = cr.passed ? c.green('✔ pass') : c.red('✘ fail');
    lines.push(`  ${mark}  ${cr.key} ${cr.operator}: ${cr.reason ?? ''}`);
  }
  for (const n of r.notes) lines.push(`  note: ${n}`);
  lines.push(r.matched ? c.green('MATCH') : c.red('NO MATCH'));
  const p = r.action.parameters;
  const would = r.matched ? 'would run' : 'would run (if the rule matched)';
  if (p.ok) lines.push(`action ${r.action.ref} ${would} with:`, JSON.stringify(p.parameters, null, 2));
  else lines.push(`action ${r.action.ref}: ${c.red('parameters cannot be rendered')}: ${p.reason}`);
  ctx.output.out(lines.join('\n'));
}
