import type { Command } from 'commander';
import type { ApiKey } from '../../engine/model/auth.js';
import { type CliContext, examples } from '../cli-context.js';
import { parseKeyValues } from '../kv-args.js';

const collect = (v: string, prev: string[]) => [...prev, v];

export function registerApiKeyCommand(program: Command, ctx: CliContext): void {
  const apikey = program
    .command('apikey')
    .description('create, list and delete API keys')
    .addHelpText('after', examples('squall apikey create --user ci -m purpose=deploys', 'squall apikey list'));

  apikey
    .command('create')
    .description('create an API key; the key is printed once and never again')
    .option('--user <user>', 'the user the key acts as (default: you)')
    .option('-m, --metadata <key=value>', 'metadata to attach (repeatable)', collect, [])
    .option('--json', 'print the API JSON (which holds the key)')
    .addHelpText(
      'after',
      examples('squall apikey create', 'squall apikey create --user ci -m purpose=deploys -m team=ops'),
    )
    .action(async (flags: { user?: string; metadata: string[]; json?: boolean }, cmd: Command) => {
      const metadata = parseKeyValues(flags.metadata);
      const res = await (await ctx.api(cmd)).post<Partial<ApiKey> & { key?: string }>('/api/v1/apikeys', {
        ...(flags.user ? { user: flags.user } : {}),
        metadata,
      });
      if (flags.json) return ctx.output.json(res);
      // The key alone on stdout, so that `KEY=$(squall apikey create)` works; the rest on stderr.
      ctx.output.out(res.key ?? '');
      ctx.output.note(
        ctx.output.color.yellow(
          `API key ${res.id ?? ''} for ${res.user ?? flags.user ?? 'you'}: store it now, it is not shown again.`,
        ),
      );
    });

  apikey
    .command('list')
    .description('list API keys (ids and owners; never the keys)')
    .option('--user <user>', 'only keys of this user')
    .option('--json', 'print the API JSON')
    .addHelpText('after', examples('squall apikey list', 'squall apikey list --user ci'))
    .action(async (flags: { user?: string; json?: boolean }, cmd: Command) => {
      const { items } = await (await ctx.api(cmd)).list<ApiKey>('/api/v1/apikeys', { user: flags.user });
      if (flags.json) return ctx.output.json(items);
      ctx.output.table(
        ['id', 'user', 'enabled', 'created', 'metadata'],
        items.map((k) => [
          k.id,
          k.user,
          k.enabled === false ? 'no' : 'yes',
          k.created_at ?? '',
          k.metadata && Object.keys(k.metadata).length ? JSON.stringify(k.metadata) : '',
        ]),
        'No API keys.',
      );
    });

  apikey
    .command('delete')
    .description('delete an API key; clients using it get 401 from then on')
    .argument('<id>', 'API key id')
    .addHelpText('after', examples('squall apikey delete 65f0c2a1e4b0a1b2c3d4e5f6'))
    .action(async (id: string, _flags: object, cmd: Command) => {
      await (await ctx.api(cmd)).delete(`/api/v1/apikeys/${encodeURIComponent(id)}`);
      ctx.output.out(`Deleted API key ${id}.`);
    });
}
