import type { Command } from 'commander';
import { type CliContext, examples } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { readData } from '../rule-test.js';

/** A rule as `/api/v1/rules` answers it. */
interface RuleItem {
  id: string;
  ref: string;
  pack: string;
  name: string;
  description?: string;
  enabled: boolean;
  trigger: { type: string; parameters?: Record<string, unknown> };
  criteria?: Record<string, unknown>;
  action: { ref: string; parameters?: Record<string, unknown> };
  context?: Record<string, unknown>;
}

export function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n <= 0) {
    throw new CliError(`${flag} must be a positive whole number, got "${v}"`, 2);
  }
  return n;
}

function rulePath(ref: string): string {
  return `/api/v1/rules/${encodeURIComponent(ref)}`;
}

function printRule(ctx: CliContext, r: RuleItem): void {
  const params = (o: Record<string, unknown> | undefined) => (o && Object.keys(o).length ? JSON.stringify(o) : '');
  ctx.output.table(
    ['field', 'value'],
    [
      ['ref', r.ref],
      ['id', r.id],
      ['enabled', String(r.enabled)],
      ['description', r.description ?? ''],
      ['trigger', `${r.trigger.type} ${params(r.trigger.parameters)}`.trim()],
      ['criteria', params(r.criteria)],
      ['action', `${r.action.ref} ${params(r.action.parameters)}`.trim()],
      ['user', typeof r.context?.user === 'string' ? r.context.user : ''],
    ],
  );
}

/** `squall rule list|get|create|enable|disable|delete`: rules on the server (`/api/v1/rules`). */
export function registerRuleManagement(rule: Command, ctx: CliContext): void {
  rule
    .command('list')
    .description('list rules on the server, by pack and name')
    .option('--pack <pack>', "only this pack's rules")
    .option('--trigger <type>', 'only rules on this trigger type')
    .option('--enabled', 'only enabled rules')
    .option('--disabled', 'only disabled rules')
    .option('-n, --limit <n>', 'at most this many (default 1000)', (v) => positiveInt(v, '--limit'))
    .option('--json', 'print the API JSON')
    .addHelpText('after', examples('squall rule list', 'squall rule list --pack ops --enabled'))
    .action(
      async (
        flags: {
          pack?: string;
          trigger?: string;
          enabled?: boolean;
          disabled?: boolean;
          limit?: number;
          json?: boolean;
        },
        cmd: Command,
      ) => {
        if (flags.enabled && flags.disabled) throw new CliError('give --enabled or --disabled, not both', 2);
        const { items, total } = await (await ctx.api(cmd)).list<RuleItem>('/api/v1/rules', {
          pack: flags.pack,
          trigger: flags.trigger,
          enabled: flags.enabled ? true : flags.disabled ? false : undefined,
          limit: flags.limit,
        });
        if (flags.json) return ctx.output.json(items);
        ctx.output.table(
          ['ref', 'enabled', 'trigger', 'action', 'description'],
          items.map((r) => [r.ref, String(r.enabled), r.trigger.type, r.action.ref, r.description ?? '']),
          'No rules.',
        );
        if (total !== undefined && total > items.length) ctx.output.note(`${items.length} of ${total} shown; use -n.`);
      },
    );

  rule
    .command('get')
    .description('show one rule')
    .argument('<ref>', 'rule ref (pack.name) or id')
    .option('--json', 'print the API JSON')
    .addHelpText('after', examples('squall rule get ops.on_alert'))
    .action(async (ref: string, flags: { json?: boolean }, cmd: Command) => {
      const r = await (await ctx.api(cmd)).get<RuleItem>(rulePath(ref));
      if (flags.json) return ctx.output.json(r);
      printRule(ctx, r);
    });

  rule
    .command('create')
    .description('create a rule from a YAML or JSON file (StackStorm format)')
    .argument('<file>', 'the rule file')
    .option('--json', 'print the API JSON')
    .addHelpText(
      'after',
      `${examples('squall rule create rules/on_alert.yaml')}\nTest it first, without a server: squall rule test --rule FILE --payload FILE\n`,
    )
    .action(async (file: string, flags: { json?: boolean }, cmd: Command) => {
      const body = await readData(file, 'rule');
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new CliError(`rule file ${file} must be a mapping (a rule definition)`, 2);
      }
      const r = await (await ctx.api(cmd)).post<RuleItem>('/api/v1/rules', body);
      if (flags.json) return ctx.output.json(r);
      ctx.output.out(`Created rule "${r.ref}" (${r.enabled ? 'enabled' : 'disabled'}).`);
    });

  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    rule
      .command(verb)
      .description(`${verb} a rule`)
      .argument('<ref>', 'rule ref (pack.name) or id')
      .option('--json', 'print the API JSON')
      .addHelpText('after', examples(`squall rule ${verb} ops.on_alert`))
      .action(async (ref: string, flags: { json?: boolean }, cmd: Command) => {
        const api = await ctx.api(cmd);
        const current = await api.get<RuleItem>(rulePath(ref));
        const r = await api.request<RuleItem>('PUT', rulePath(current.id), { body: { ...current, enabled } });
        if (flags.json) return ctx.output.json(r);
        ctx.output.out(`Rule "${r.ref}" is ${enabled ? 'enabled' : 'disabled'}.`);
      });
  }

  rule
    .command('delete')
    .description('delete a rule')
    .argument('<ref>', 'rule ref (pack.name) or id')
    .addHelpText('after', examples('squall rule delete ops.on_alert'))
    .action(async (ref: string, _flags: object, cmd: Command) => {
      await (await ctx.api(cmd)).delete(rulePath(ref));
      ctx.output.out(`Deleted rule "${ref}".`);
    });
}
