import type { Command } from 'commander';
import type { ApiClient } from '../api-client.js';
import { type CliContext, examples } from '../cli-context.js';
import { usageError } from '../cli-error.js';
import { promptLine } from '../prompt.js';
import { positiveInt } from './rule-manage.js';

interface InquiryItem {
  id: string;
  status?: string;
  parent?: string;
  route: string;
  ttl: number;
  users: string[];
  roles: string[];
  schema: Record<string, unknown>;
  expires_at?: string;
  response?: Record<string, unknown>;
  responded_by?: string;
  responded_at?: string;
}

type Property = { type?: string; description?: string; required?: boolean };

const TRUE = new Set(['true', 'yes', 'y', '1', 'approve', 'ok']);
const FALSE = new Set(['false', 'no', 'n', '0', 'reject']);

/** One answer typed at the prompt, as the property's type; undefined when it does not fit. */
function parseTyped(text: string, type: string | undefined): unknown {
  const t = text.trim();
  if (type === 'boolean') return TRUE.has(t.toLowerCase()) ? true : FALSE.has(t.toLowerCase()) ? false : undefined;
  if (type === 'integer') return /^-?\d+$/.test(t) ? Number(t) : undefined;
  if (type === 'number') return t !== '' && Number.isFinite(Number(t)) ? Number(t) : undefined;
  if (type === 'object' || type === 'array') {
    try {
      return JSON.parse(t) as unknown;
    } catch {
      return undefined;
    }
  }
  return t;
}

/** Asks for each property of the schema on the terminal, as `st2 inquiry respond` does. */
async function promptResponse(ctx: CliContext, schema: Record<string, unknown>): Promise<Record<string, unknown>> {
  const props = (schema.properties ?? {}) as Record<string, Property>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const out: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(props)) {
    const must = p.required === true || required.has(name);
    const hint = p.type === 'boolean' ? 'yes/no' : (p.type ?? 'string');
    for (;;) {
      if (p.description) ctx.output.note(p.description);
      const text = await promptLine(`${name} (${hint}${must ? '' : ', Enter to skip'}): `, ctx.stdin);
      if (text === '' && !must) break;
      const value = parseTyped(text, p.type);
      if (value !== undefined && value !== '') {
        out[name] = value;
        break;
      }
      ctx.output.note(`That is not a ${hint}; try again.`);
    }
  }
  return out;
}

function parseResponse(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw usageError(`-r: not valid JSON (${(e as Error).message}); for example -r '{"continue": true}'`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw usageError(`-r: the response must be a JSON object, for example -r '{"continue": true}'`);
  return value as Record<string, unknown>;
}

const get = (api: ApiClient, id: string) => api.get<InquiryItem>(`/api/v1/inquiries/${encodeURIComponent(id)}`);

/** `squall inquiry list|get|respond`: StackStorm's `st2 inquiry`, over `/api/v1/inquiries`. */
export function registerInquiryCommand(program: Command, ctx: CliContext): void {
  const inquiry = program
    .command('inquiry')
    .description('questions workflows ask (core.ask): list them, read one, answer it')
    .addHelpText(
      'after',
      examples(
        'squall inquiry list',
        'squall inquiry get 65f0c2a1e4b0a1b2c3d4e5f6',
        `squall inquiry respond 65f0c2a1e4b0a1b2c3d4e5f6 -r '{"approved": true}'`,
        'squall inquiry respond 65f0c2a1e4b0a1b2c3d4e5f6   # asks for each field on a terminal',
      ),
    );

  inquiry
    .command('list')
    .description('list the inquiries waiting for an answer, newest first')
    .option('-n, --limit <n>', 'at most this many (default 50)', (v) => positiveInt(v, '--limit'))
    .option('--json', 'print the API JSON')
    .action(async (flags: { limit?: number; json?: boolean }, cmd: Command) => {
      const { items, total } = await (await ctx.api(cmd)).list<InquiryItem>('/api/v1/inquiries', {
        limit: flags.limit ?? 50,
      });
      if (flags.json) return ctx.output.json(items);
      ctx.output.table(
        ['id', 'roles', 'users', 'route', 'ttl', 'expires_at'],
        items.map((i) => [i.id, i.roles.join(', '), i.users.join(', '), i.route, String(i.ttl), i.expires_at ?? '']),
        'No inquiries are waiting for an answer.',
      );
      if (total !== undefined && total > items.length) ctx.output.note(`${items.length} of ${total} shown; use -n.`);
    });

  inquiry
    .command('get')
    .description('show one inquiry: its schema, who may answer, and the answer once given')
    .argument('<id>', 'the inquiry id (the core.ask execution id)')
    .option('--json', 'print the API JSON')
    .action(async (id: string, flags: { json?: boolean }, cmd: Command) => {
      const i = await get(await ctx.api(cmd), id);
      if (flags.json) return ctx.output.json(i);
      const rows: [string, string][] = [
        ['id', i.id],
        ['status', i.status ?? ''],
        ['parent', i.parent ?? ''],
        ['roles', i.roles.join(', ')],
        ['users', i.users.join(', ')],
        ['route', i.route],
        ['ttl', String(i.ttl)],
        ['expires_at', i.expires_at ?? ''],
        ['schema', JSON.stringify(i.schema, null, 2)],
      ];
      if (i.response !== undefined) rows.push(['response', JSON.stringify(i.response, null, 2)]);
      if (i.responded_by !== undefined) rows.push(['responded_by', i.responded_by]);
      if (i.responded_at !== undefined) rows.push(['responded_at', i.responded_at]);
      ctx.output.table(['Property', 'Value'], rows);
    });

  inquiry
    .command('respond')
    .description('answer an inquiry; the workflow it paused resumes')
    .argument('<id>', 'the inquiry id (the core.ask execution id)')
    .option('-r, --response <json>', 'the response as a JSON object; without it, each field is asked for on a terminal')
    .option('--json', 'print the API JSON')
    .action(async (id: string, flags: { response?: string; json?: boolean }, cmd: Command) => {
      const api = await ctx.api(cmd);
      let response: Record<string, unknown>;
      if (flags.response !== undefined) response = parseResponse(flags.response);
      else if (ctx.stdin.isTTY) response = await promptResponse(ctx, (await get(api, id)).schema);
      else
        throw usageError(
          `give the response with -r, for example: squall inquiry respond ${id} -r '{"continue": true}'`,
        );
      const answered = await api.request<{ id: string; response: unknown }>(
        'PUT',
        `/api/v1/inquiries/${encodeURIComponent(id)}`,
        { body: { id, response } },
      );
      if (flags.json) return ctx.output.json(answered);
      ctx.output.out(`Response accepted for inquiry ${answered.id}: ${JSON.stringify(answered.response)}`);
    });
}
