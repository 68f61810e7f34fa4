import type { Interface } from 'node:readline/promises';
import type { Command } from 'commander';
import type { JsonObject, JsonValue } from '../../engine/model/json.js';
import { type CliContext, examples } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { promptSecret } from '../prompt.js';

type Item = JsonObject & {
  type?: string;
  description?: string;
  default?: JsonValue;
  required?: boolean;
  secret?: boolean;
  enum?: JsonValue[];
  properties?: Record<string, Item>;
  items?: Item;
};

/**
 * `squall pack config NAME`: asks for each option of the pack's config.schema.yaml (nested objects
 * option by option, secrets without echo), then writes `<data_dir>/configs/NAME.yaml` through
 * `PUT /api/v1/configs/NAME`, which checks it against the schema.
 */
export function registerPackConfigCommand(pack: Command, ctx: CliContext): void {
  pack
    .command('config')
    .description("write a pack's config interactively from its config.schema.yaml (secrets are not echoed)")
    .argument('<pack>', 'the pack name')
    .option('--json', 'print the written config (secrets masked) as JSON')
    .addHelpText('after', examples('squall pack config mypack'))
    .action(async (name: string, flags: { json?: boolean }, cmd: Command) => {
      const api = await ctx.api(cmd);
      const path = encodeURIComponent(name);
      const { attributes } = await api.get<{ attributes: Record<string, Item> }>(`/api/v1/config_schemas/${path}`);
      const { values } = await api.get<{ values: JsonObject }>(`/api/v1/configs/${path}`);
      const asker = await Asker.open();
      let answers: JsonObject;
      try {
        answers = await askObject(asker, attributes, values, '');
      } finally {
        asker.close();
      }
      const written = await api.request<{ values: JsonObject; file: string }>('PUT', `/api/v1/configs/${path}`, {
        body: answers,
      });
      if (flags.json) return ctx.output.json(written.values);
      ctx.output.out(`Wrote ${written.file}`);
    });
}

async function askObject(
  asker: Asker,
  items: Record<string, Item>,
  current: JsonObject,
  prefix: string,
): Promise<JsonObject> {
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(items)) {
    const label = `${prefix}${key}`;
    const now = current[key];
    if (item.type === 'object' && item.properties) {
      const inner = typeof now === 'object' && now !== null && !Array.isArray(now) ? now : {};
      out[key] = await askObject(asker, item.properties, inner, `${label}.`);
      continue;
    }
    const value = await askValue(asker, label, item, now);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

async function askValue(
  asker: Asker,
  label: string,
  item: Item,
  now: JsonValue | undefined,
): Promise<JsonValue | undefined> {
  const shown = item.secret ? (now !== undefined ? 'keep the current value' : undefined) : display(now ?? item.default);
  const choices = item.enum ? ` (${item.enum.map(String).join(', ')})` : '';
  const about = item.description ? ` – ${item.description}` : '';
  const question = `${label}${about}${choices}${item.required ? ' [required]' : ''}${shown ? ` [${shown}]` : ''}: `;
  for (let attempt = 0; attempt < 3; attempt++) {
    const raw = item.secret ? await asker.secret(question) : await asker.line(question);
    if (raw === '') {
      // Enter keeps what is there (a secret left out is kept by the server), else the default applies later.
      if (item.secret) return undefined;
      if (now !== undefined) return now;
      if (item.required && item.default === undefined) {
        asker.note(`${label} is required`);
        continue;
      }
      return undefined;
    }
    const cast = castAnswer(raw, item);
    if (typeof cast === 'object' && cast !== null && 'problem' in cast && Object.keys(cast).length === 1) {
      asker.note(`${label}: ${String(cast.problem)}`);
      continue;
    }
    return cast as JsonValue;
  }
  throw new CliError(`no valid answer for ${label}`);
}

/** An answer typed as the option's type: yes/no for booleans, numbers, comma lists; templates stay text. */
export function castAnswer(raw: string, item: Item): JsonValue | { problem: string } {
  if (/\{\{|\{%/.test(raw)) return raw;
  if (item.enum) {
    const hit = item.enum.find((e) => String(e) === raw);
    if (hit === undefined) return { problem: `must be one of ${item.enum.map(String).join(', ')}` };
    return hit;
  }
  switch (item.type) {
    case 'boolean':
      if (/^(?:y|yes|true|1|on)$/i.test(raw)) return true;
      if (/^(?:n|no|false|0|off)$/i.test(raw)) return false;
      return { problem: 'answer yes or no' };
    case 'integer':
    case 'number': {
      const n = Number(raw);
      if (!Number.isFinite(n) || (item.type === 'integer' && !Number.isInteger(n)))
        return { problem: `must be ${item.type === 'integer' ? 'an integer' : 'a number'}` };
      return n;
    }
    case 'array': {
      const parts = raw.split(',').map((s) => s.trim());
      const t = item.items?.type;
      if (t === 'integer' || t === 'number') {
        const nums = parts.map(Number);
        if (nums.some((n) => !Number.isFinite(n))) return { problem: 'must be a comma-separated list of numbers' };
        return nums;
      }
      return parts;
    }
    case 'object':
      try {
        const v = JSON.parse(raw) as JsonValue;
        if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v;
      } catch {
        // fall through to the problem
      }
      return { problem: 'must be a JSON object' };
    default:
      return raw;
  }
}

function display(v: JsonValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * Questions on the terminal (secrets hidden), or one answer per line of stdin when it is not a
 * terminal (scripts and tests): a piped secret is not echoed either.
 */
class Asker {
  private constructor(private readonly rl: Interface | undefined) {}

  static async open(): Promise<Asker> {
    if (process.stdin.isTTY) return new Asker(undefined);
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input: process.stdin, terminal: false });
    const lines: string[] = [];
    const waiting: ((l: string | undefined) => void)[] = [];
    let ended = false;
    rl.on('line', (l) => (waiting.length ? waiting.shift()?.(l) : lines.push(l)));
    rl.on('close', () => {
      ended = true;
      for (const w of waiting.splice(0)) w(undefined);
    });
    const asker = new Asker(rl);
    asker.next = () =>
      lines.length
        ? Promise.resolve(lines.shift())
        : ended
          ? Promise.resolve(undefined)
          : new Promise((r) => waiting.push(r));
    return asker;
  }

  next: () => Promise<string | undefined> = () => Promise.resolve(undefined);

  async line(question: string): Promise<string> {
    if (!this.rl) {
      const { promptLine } = await import('../prompt.js');
      return promptLine(question, process.stdin);
    }
    process.stderr.write(question);
    const l = await this.next();
    process.stderr.write('\n');
    return (l ?? '').trim();
  }

  async secret(question: string): Promise<string> {
    if (!this.rl) return promptSecret(question, process.stdin);
    return this.line(question);
  }

  note(text: string): void {
    process.stderr.write(`${text}\n`);
  }

  close(): void {
    this.rl?.close();
  }
}
