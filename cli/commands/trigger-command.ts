import type { Command } from 'commander';
import { type CliContext, examples } from '../cli-context.js';
import { positiveInt } from './rule-manage.js';

interface TriggerTypeItem {
  ref: string;
  pack: string;
  description: string;
  parameters_schema: Record<string, unknown>;
}

interface TriggerInstanceItem {
  id: string;
  trigger: string;
  parameters?: Record<string, unknown>;
  payload: Record<string, unknown>;
  occurrence_time: string;
  status: string;
  trace_tag?: string;
}

function instancePath(id: string): string {
  return `/api/v1/triggerinstances/${encodeURIComponent(id)}`;
}

/** `squall trigger list`: the trigger types rules may name. */
export function registerTriggerCommand(program: Command, ctx: CliContext): void {
  const trigger = program
    .command('trigger')
    .description('trigger types: what can happen (webhooks, timers, sensors, the datastore, executions)')
    .addHelpText('after', examples('squall trigger list', 'squall trigger list --pack core'));

  trigger
    .command('list')
    .description('list trigger types, built-in and from packs')
    .option('--pack <pack>', "only this pack's trigger types")
    .option('--json', 'print the API JSON')
    .action(async (flags: { pack?: string; json?: boolean }, cmd: Command) => {
      const { items } = await (await ctx.api(cmd)).list<TriggerTypeItem>('/api/v1/triggertypes', {
        pack: flags.pack,
        limit: -1,
      });
      if (flags.json) return ctx.output.json(items);
      ctx.output.table(
        ['ref', 'parameters', 'description'],
        items.map((t) => [
          t.ref,
          Object.keys((t.parameters_schema.properties as Record<string, unknown> | undefined) ?? {}).join(', '),
          t.description,
        ]),
        'No trigger types.',
      );
    });
}

/** `squall trigger-instance list|get|re-emit`: the stored events. */
export function registerTriggerInstanceCommand(program: Command, ctx: CliContext): void {
  const ti = program
    .command('trigger-instance')
    .description('trigger instances: every event that happened, as stored, and what became of it')
    .addHelpText(
      'after',
      examples(
        'squall trigger-instance list --trigger core.st2.webhook',
        'squall trigger-instance get 65a1b2c3d4e5f60718293a4b',
        'squall trigger-instance re-emit 65a1b2c3d4e5f60718293a4b',
      ),
    );

  ti.command('list')
    .description('list trigger instances, newest first')
    .option('--trigger <ref>', 'only instances of this trigger')
    .option('--status <status>', 'pending, processing, processed or processing_failed')
    .option('--since <time>', 'occurred after this time (ISO 8601)')
    .option('--until <time>', 'occurred before this time (ISO 8601)')
    .option('-n, --limit <n>', 'at most this many (default 50)', (v) => positiveInt(v, '--limit'))
    .option('--json', 'print the API JSON')
    .action(
      async (
        flags: { trigger?: string; status?: string; since?: string; until?: string; limit?: number; json?: boolean },
        cmd: Command,
      ) => {
        const { items, total } = await (await ctx.api(cmd)).list<TriggerInstanceItem>('/api/v1/triggerinstances', {
          trigger: flags.trigger,
          status: flags.status,
          timestamp_gt: flags.since,
          timestamp_lt: flags.until,
          limit: flags.limit ?? 50,
        });
        if (flags.json) return ctx.output.json(items);
        ctx.output.table(
          ['id', 'trigger', 'occurrence_time', 'status'],
          items.map((t) => [t.id, t.trigger, t.occurrence_time, t.status]),
          'No trigger instances.',
        );
        if (total !== undefined && total > items.length) ctx.output.note(`${items.length} of ${total} shown; use -n.`);
      },
    );

  ti.command('get')
    .description('show one trigger instance with its payload')
    .argument('<id>', 'trigger instance id')
    .option('--json', 'print the API JSON')
    .action(async (id: string, flags: { json?: boolean }, cmd: Command) => {
      const t = await (await ctx.api(cmd)).get<TriggerInstanceItem>(instancePath(id));
      if (flags.json) return ctx.output.json(t);
      ctx.output.table(
        ['field', 'value'],
        [
          ['id', t.id],
          ['trigger', t.trigger],
          ['parameters', JSON.stringify(t.parameters ?? {})],
          ['occurrence_time', t.occurrence_time],
          ['status', t.status],
          ['trace_tag', t.trace_tag ?? ''],
        ],
      );
      ctx.output.out(`payload:\n${JSON.stringify(t.payload, null, 2)}`);
    });

  ti.command('re-emit')
    .description('dispatch a stored trigger instance again, as a new instance the rules see')
    .argument('<id>', 'trigger instance id')
    .option('--json', 'print the API JSON')
    .action(async (id: string, flags: { json?: boolean }, cmd: Command) => {
      const r = await (await ctx.api(cmd)).post<{ message: string; trigger_instance: TriggerInstanceItem }>(
        `${instancePath(id)}/re_emit`,
      );
      if (flags.json) return ctx.output.json(r);
      ctx.output.out(`${r.message} New trigger instance: ${r.trigger_instance.id}`);
    });
}
