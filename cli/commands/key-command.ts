import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { type CliContext, examples } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { readAllStdin } from '../prompt.js';

/** An item as `/api/v1/keys` answers it. */
interface KeyItem {
  name: string;
  value: string;
  scope: string;
  user?: string;
  secret?: boolean;
  encrypted?: boolean;
  description?: string;
  expire_timestamp?: string;
}

interface ScopeFlags {
  scope?: string;
  user?: string;
}

const SCOPE_HELP = 'system (default) or user';
const FIELDS = ['name', 'value', 'scope', 'user', 'secret', 'encrypted', 'expire_timestamp'] as const;

function keyPath(name: string): string {
  return `/api/v1/keys/${encodeURIComponent(name)}`;
}

function scopeQuery(flags: ScopeFlags): Record<string, string | undefined> {
  return { scope: flags.scope, user: flags.user };
}

function cell(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

export function registerKeyCommand(program: Command, ctx: CliContext): void {
  const key = program
    .command('key')
    .description('read and write the datastore (st2kv): strings by name, secrets encrypted')
    .addHelpText(
      'after',
      examples(
        'squall key set region eu-west-1',
        'squall key set db_password s3cret --encrypt',
        'squall key get db_password --decrypt',
        'squall key list --prefix app.',
      ),
    );

  key
    .command('set')
    .description('create or replace an item')
    .argument('<name>', 'item name')
    .argument(
      '[value]',
      'the value (a string; store JSON text); - or nothing: read it from stdin, kept out of ps and history',
    )
    .option('--encrypt', 'store it encrypted (a secret)')
    .option('--scope <scope>', SCOPE_HELP)
    .option('--user <user>', "another user's st2kv.user item (admins)")
    .option('--ttl <seconds>', 'expire after this many seconds', (v) => parsePositive(v, '--ttl'))
    .option('--description <text>', 'what the item is for')
    .option('--json', 'print the API JSON')
    .addHelpText(
      'after',
      examples(
        'squall key set region eu-west-1',
        'squall key set api_token abc123 --encrypt --scope user',
        'squall key set lock held --ttl 300',
        'printf %s "$DB_PASSWORD" | squall key set db_password --encrypt',
      ),
    )
    .action(
      async (
        name: string,
        given: string | undefined,
        flags: ScopeFlags & { encrypt?: boolean; ttl?: number; description?: string; json?: boolean },
        cmd: Command,
      ) => {
        // A trailing newline from `echo` is not part of the value (readAllStdin drops it).
        const value = given === undefined || given === '-' ? await readAllStdin(ctx.stdin) : given;
        const item = await (await ctx.api(cmd)).request<KeyItem>('PUT', keyPath(name), {
          body: {
            name,
            value,
            ...(flags.scope ? { scope: flags.scope } : {}),
            ...(flags.user ? { user: flags.user } : {}),
            ...(flags.encrypt ? { secret: true } : {}),
            ...(flags.ttl !== undefined ? { ttl: flags.ttl } : {}),
            ...(flags.description !== undefined ? { description: flags.description } : {}),
          },
        });
        if (flags.json) return ctx.output.json(item);
        printItem(ctx, item);
      },
    );

  key
    .command('get')
    .description('show one item (a secret shows encrypted unless --decrypt)')
    .argument('<name>', 'item name')
    .option('--decrypt', 'show a secret in clear (admins; the owner for --scope user)')
    .option('--scope <scope>', SCOPE_HELP)
    .option('--user <user>', "another user's st2kv.user item (admins)")
    .option('--json', 'print the API JSON')
    .addHelpText('after', examples('squall key get region', 'squall key get api_token --scope user --decrypt'))
    .action(async (name: string, flags: ScopeFlags & { decrypt?: boolean; json?: boolean }, cmd: Command) => {
      const item = await (await ctx.api(cmd)).get<KeyItem>(keyPath(name), {
        query: { ...scopeQuery(flags), decrypt: flags.decrypt ? true : undefined },
      });
      if (flags.json) return ctx.output.json(item);
      printItem(ctx, item);
    });

  key
    .command('list')
    .description('list items, by name')
    .option('--prefix <prefix>', 'only names starting with this')
    .option('--scope <scope>', 'system (default), user or all')
    .option('--user <user>', "another user's st2kv.user items (admins)")
    .option('--decrypt', 'show secrets in clear (admins; your own user items)')
    .option('-n, --limit <n>', 'at most this many (default 100)', (v) => parsePositive(v, '--limit'))
    .option('--json', 'print the API JSON (what `squall key load` reads back)')
    .addHelpText('after', examples('squall key list', 'squall key list --prefix app.', 'squall key list --scope all'))
    .action(
      async (
        flags: ScopeFlags & { prefix?: string; decrypt?: boolean; limit?: number; json?: boolean },
        cmd: Command,
      ) => {
        const { items, total } = await (await ctx.api(cmd)).list<KeyItem>('/api/v1/keys', {
          ...scopeQuery(flags),
          prefix: flags.prefix,
          decrypt: flags.decrypt ? true : undefined,
          limit: flags.limit,
        });
        if (flags.json) return ctx.output.json(items);
        ctx.output.table(
          [...FIELDS],
          items.map((i) => FIELDS.map((f) => cell(i[f]))),
          'No datastore items.',
        );
        if (total !== undefined && total > items.length) ctx.output.note(`${items.length} of ${total} shown; use -n.`);
      },
    );

  key
    .command('delete')
    .description('delete an item')
    .argument('<name>', 'item name')
    .option('--scope <scope>', SCOPE_HELP)
    .option('--user <user>', "another user's st2kv.user item (admins)")
    .addHelpText('after', examples('squall key delete region', 'squall key delete api_token --scope user'))
    .action(async (name: string, flags: ScopeFlags, cmd: Command) => {
      await (await ctx.api(cmd)).delete(keyPath(name), { query: scopeQuery(flags) });
      ctx.output.out(`Deleted datastore item "${name}".`);
    });

  key
    .command('load')
    .description('create or replace the items of a JSON or YAML file (a list, as `key list --json` prints)')
    .argument('<file>', 'the file')
    .addHelpText(
      'after',
      `${examples('squall key load keys.json', 'squall key list --json > backup.json && squall key load backup.json')}
Each item: {name, value, scope?, user?, secret?, encrypted?, ttl?, description?}. A value that is not a
string is stored as its JSON text. An exported secret (encrypted: true) loads as is (admins only).
`,
    )
    .action(async (file: string, _flags: object, cmd: Command) => {
      const items = await readItems(file);
      const api = await ctx.api(cmd);
      for (const item of items) {
        await api.request('PUT', keyPath(item.name), { body: item });
      }
      ctx.output.out(`Loaded ${items.length} datastore item${items.length === 1 ? '' : 's'} from ${file}.`);
    });
}

function printItem(ctx: CliContext, item: KeyItem): void {
  ctx.output.table(
    ['field', 'value'],
    FIELDS.filter((f) => item[f] !== undefined).map((f) => [f, cell(item[f])]),
  );
}

function parsePositive(v: string, flag: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n <= 0) {
    throw new CliError(`${flag} must be a positive whole number, got "${v}"`, 2);
  }
  return n;
}

const LOADABLE = ['value', 'scope', 'user', 'secret', 'encrypted', 'ttl', 'description'] as const;

/** The items of a `key load` file, checked before anything is written. */
async function readItems(file: string): Promise<(Record<string, unknown> & { name: string })[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`, 2);
  }
  let doc: unknown;
  try {
    // YAML is a superset of JSON: one parser reads both.
    doc = parseYaml(text) as unknown;
  } catch (e) {
    throw new CliError(`${file} is neither JSON nor YAML: ${(e as Error).message.split('\n')[0]}`, 2);
  }
  const list = Array.isArray(doc) ? doc : typeof doc === 'object' && doc !== null ? [doc] : undefined;
  if (!list) throw new CliError(`${file} must hold a list of items ({name, value, ...})`, 2);
  return list.map((raw, i) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new CliError(`${file}: item ${i + 1} must be a mapping with name and value`, 2);
    }
    const r = raw as Record<string, unknown>;
    if (typeof r.name !== 'string' || r.name === '') throw new CliError(`${file}: item ${i + 1} has no name`, 2);
    if (r.value === undefined || r.value === null) {
      throw new CliError(`${file}: item ${i + 1} ("${r.name}") has no value`, 2);
    }
    const out: Record<string, unknown> & { name: string } = { name: r.name };
    for (const k of LOADABLE) if (r[k] !== undefined && r[k] !== null) out[k] = r[k];
    if (typeof r.value !== 'string') out.value = JSON.stringify(r.value);
    // A listing shows the secret's ciphertext with encrypted: true; loading it back keeps it encrypted.
    if (r.encrypted === false) delete out.encrypted;
    return out;
  });
}
