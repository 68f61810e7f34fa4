import type { Command } from 'commander';
import { type CliContext, examples } from '../cli-context.js';

interface PolicyItem {
  ref: string;
  resource_ref: string;
  policy_type: string;
  enabled: boolean;
  parameters: Record<string, unknown>;
  description: string;
}

interface PolicyTypeItem {
  ref: string;
  description: string;
  parameters: Record<string, { default?: unknown }>;
}

const path = (ref: string) => `/api/v1/policies/${encodeURIComponent(ref)}`;

/** `squall policy` and `squall policy-type`, StackStorm's `st2 policy` / `st2 policy-type` (docs/policies.md). */
export function registerPolicyCommand(program: Command, ctx: CliContext): void {
  const policy = program
    .command('policy')
    .description("packs' execution policies: concurrency limits and retries (GET /api/v1/policies)")
    .addHelpText(
      'after',
      examples(
        'squall policy list --action ops.deploy',
        'squall policy get ops.one_deploy',
        'squall policy disable ops.one_deploy',
      ),
    );

  policy
    .command('list')
    .description('list policies')
    .option('--pack <pack>', 'only this pack')
    .option('--action <ref>', 'only policies of this action (resource_ref)')
    .option('--type <type>', 'only this policy type, e.g. action.concurrency')
    .option('--json', 'print the API JSON')
    .action(async (flags: { pack?: string; action?: string; type?: string; json?: boolean }, cmd: Command) => {
      const { items } = await (await ctx.api(cmd)).list<PolicyItem>('/api/v1/policies', {
        ...(flags.pack ? { pack: flags.pack } : {}),
        ...(flags.action ? { resource_ref: flags.action } : {}),
        ...(flags.type ? { policy_type: flags.type } : {}),
      });
      if (flags.json) return ctx.output.json(items);
      ctx.output.table(
        ['ref', 'action', 'type', 'enabled', 'parameters'],
        items.map((p) => [p.ref, p.resource_ref, p.policy_type, String(p.enabled), JSON.stringify(p.parameters)]),
        'No policies.',
      );
    });

  policy
    .command('get <ref>')
    .description('show one policy')
    .option('--json', 'print the API JSON')
    .action(async (ref: string, flags: { json?: boolean }, cmd: Command) => {
      const p = await (await ctx.api(cmd)).get<PolicyItem>(path(ref));
      if (flags.json) return ctx.output.json(p);
      ctx.output.table(
        ['field', 'value'],
        [
          ['ref', p.ref],
          ['action', p.resource_ref],
          ['type', p.policy_type],
          ['enabled', String(p.enabled)],
          ['parameters', JSON.stringify(p.parameters)],
          ['description', p.description],
        ],
      );
    });

  for (const [name, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    policy
      .command(`${name} <ref>`)
      .description(`${name} a policy (admins); the schedulers apply it within seconds`)
      .action(async (ref: string, _flags: unknown, cmd: Command) => {
        const p = await (await ctx.api(cmd)).request<PolicyItem>('PUT', path(ref), { body: { enabled } });
        ctx.output.out(`${p.ref} ${p.enabled ? 'enabled' : 'disabled'}.`);
      });
  }

  program
    .command('policy-type')
    .description('the policy types Squall enforces (GET /api/v1/policytypes)')
    .command('list')
    .description('list policy types with their parameters')
    .option('--json', 'print the API JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const { items } = await (await ctx.api(cmd)).list<PolicyTypeItem>('/api/v1/policytypes');
      if (flags.json) return ctx.output.json(items);
      ctx.output.table(
        ['ref', 'parameters', 'description'],
        items.map((t) => [t.ref, Object.keys(t.parameters).join(', '), t.description]),
      );
    });
}
