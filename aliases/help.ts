import type { ParamSpec, ParamSpecs } from '../engine/model/action.js';
import type { ActionAlias } from '../engine/model/alias.js';
import type { JsonValue } from '../engine/model/json.js';
import { aliasDisplays, aliasFormatEntries } from './alias-formats.js';
import { AliasMatcher } from './matcher.js';
import { type ParsedFormat, parseFormat } from './parse-format.js';
import { lowerSameLength, squash } from './text-utils.js';

/** One line of `!help`: a command the user may run. */
export interface HelpEntry {
  pack: string;
  ref: string;
  display: string;
  description?: string;
}

export interface HelpPage {
  /** Entries across all pages. */
  available: number;
  entries: HelpEntry[];
  /** 1-based. */
  page: number;
  pages: number;
}

/** @default 20 */
export const HELP_PER_PAGE = 20;

/**
 * The help lines for the aliases a user may run (pass only those). Disabled aliases and formats
 * without a display are left out. `filter` keeps entries whose display, description or ref contain
 * every word of it (case-insensitive); `pack` keeps one pack. Sorted by pack, then display.
 */
export function helpEntries(
  aliases: readonly ActionAlias[],
  opts: { filter?: string; pack?: string } = {},
): HelpEntry[] {
  const terms = lowerSameLength(opts.filter ?? '')
    .split(/\s+/)
    .filter((t) => t !== '');
  const pack = opts.pack === undefined ? undefined : lowerSameLength(opts.pack);
  const out: HelpEntry[] = [];
  for (const alias of aliases) {
    if (alias.enabled === false) continue;
    if (pack !== undefined && lowerSameLength(alias.pack) !== pack) continue;
    for (const display of aliasDisplays(alias)) {
      const haystack = lowerSameLength(`${display} ${alias.description ?? ''} ${alias.ref}`);
      if (!terms.every((t) => haystack.includes(t))) continue;
      const entry: HelpEntry = { pack: alias.pack, ref: alias.ref, display };
      if (alias.description !== undefined && alias.description !== '') entry.description = alias.description;
      out.push(entry);
    }
  }
  return out.sort(
    (a, b) => a.pack.localeCompare(b.pack) || a.display.localeCompare(b.display) || a.ref.localeCompare(b.ref),
  );
}

/** One page of entries; an out-of-range page is clamped to the nearest page. */
export function helpPage(entries: HelpEntry[], page: number, perPage: number = HELP_PER_PAGE): HelpPage {
  const size = Math.max(1, Math.floor(perPage) || HELP_PER_PAGE);
  const pages = Math.max(1, Math.ceil(entries.length / size));
  const current = Math.min(pages, Math.max(1, Number.isFinite(page) ? Math.floor(page) : 1));
  return {
    available: entries.length,
    entries: entries.slice((current - 1) * size, current * size),
    page: current,
    pages,
  };
}

/** Splits the text after `!help` into a filter and a page number (a trailing number is the page). */
export function parseHelpArgs(args: string): { filter?: string; page: number } {
  const words = squash(args)
    .split(' ')
    .filter((w) => w !== '');
  let page = 1;
  if (words.length > 0 && /^\d+$/.test(words[words.length - 1] as string)) page = Number(words.pop());
  return words.length === 0 ? { page } : { filter: words.join(' '), page };
}

/**
 * `!help [filter]` as text: commands grouped under their pack (bold pack names, markdown-ish), with
 * descriptions, and how to get the next page.
 */
export function renderHelpList(page: HelpPage, prefix: string, filter?: string): string {
  const f = filter?.trim() ? filter.trim() : undefined;
  if (page.available === 0) {
    return f === undefined
      ? 'No commands are available to you here.'
      : `No commands match "${f}". Send \`${prefix}help\` to list every command you can run.`;
  }
  const lines: string[] = [];
  const range = page.pages > 1 ? `, page ${page.page} of ${page.pages}` : '';
  lines.push(`${f === undefined ? 'Commands' : `Commands matching "${f}"`} (${page.available}${range}):`);
  let pack: string | undefined;
  for (const e of page.entries) {
    if (e.pack !== pack) {
      pack = e.pack;
      lines.push('', `*${pack}*`);
    }
    lines.push(`  ${prefix}${e.display}${e.description === undefined ? '' : ` - ${e.description}`}`);
  }
  lines.push('');
  if (page.page < page.pages) lines.push(`More: \`${prefix}help ${f === undefined ? '' : `${f} `}${page.page + 1}\``);
  lines.push(`Details of one command: \`${prefix}help <command>\``);
  return lines.join('\n');
}

const show = (v: JsonValue): string => (typeof v === 'string' ? v : JSON.stringify(v));

function describeParam(
  name: string,
  spec: ParamSpec | undefined,
  formatDefault: string | undefined,
  required: boolean,
): string {
  const bits: string[] = [];
  if (spec?.type !== undefined) bits.push(spec.type);
  if (required) bits.push('required');
  else if (formatDefault !== undefined) bits.push(`default: ${formatDefault}`);
  else if (spec?.default !== undefined && spec.secret !== true) bits.push(`default: ${show(spec.default)}`);
  else bits.push('optional');
  if (spec?.enum !== undefined) bits.push(`one of: ${spec.enum.map(show).join(', ')}`);
  return `  ${name} (${bits.join(', ')})${spec?.description ? ` - ${spec.description}` : ''}`;
}

/**
 * `!help <command>`: one alias with every way to type it and what each parameter means. Parameters
 * come from the formats' placeholders, described by the action's parameter specs when given; the
 * action's other settable parameters are listed as `key=value` extras.
 */
export function renderAliasHelp(alias: ActionAlias, actionParams: ParamSpecs | undefined, prefix: string): string {
  const lines: string[] = [];
  const displays = aliasDisplays(alias);
  const usage = displays.length > 0 ? displays : aliasFormatEntries(alias).map((e) => e.representation);
  lines.push(`${prefix}${usage[0] ?? alias.name} (${alias.ref}, runs ${alias.action_ref})`);
  if (alias.description) lines.push(alias.description);
  if (alias.enabled === false) lines.push('This command is disabled.');
  lines.push('', 'Usage:', ...usage.map((u) => `  ${prefix}${u}`));

  const placeholders = new Map<string, { default?: string; optionalSomewhere: boolean }>();
  for (const e of aliasFormatEntries(alias)) {
    let parsed: ParsedFormat;
    try {
      parsed = parseFormat(e.representation);
    } catch {
      continue;
    }
    for (const name of parsed.params) {
      const part = parsed.parts.find((p) => p.kind === 'param' && p.name === name);
      const dflt = part?.kind === 'param' ? part.default : undefined;
      const known = placeholders.get(name);
      if (known === undefined)
        placeholders.set(
          name,
          dflt === undefined
            ? { optionalSomewhere: parsed.kind === 'regex' }
            : { default: dflt, optionalSomewhere: true },
        );
    }
  }
  const immutable = new Set(Object.keys(alias.immutable_parameters ?? {}));
  if (placeholders.size > 0) {
    lines.push('', 'Parameters:');
    for (const [name, p] of placeholders) {
      const spec = actionParams?.[name];
      lines.push(describeParam(name, spec, p.default, !p.optionalSomewhere && p.default === undefined));
    }
  }
  const extras = Object.entries(actionParams ?? {}).filter(
    ([name, spec]) => !placeholders.has(name) && !immutable.has(name) && spec.immutable !== true,
  );
  if (extras.length > 0) {
    lines.push('', 'More parameters, added at the end as key=value:');
    for (const [name, spec] of extras)
      lines.push(describeParam(name, spec, undefined, spec.required === true && spec.default === undefined));
  }
  if (immutable.size > 0) lines.push('', `Fixed by the alias: ${[...immutable].join(', ')}`);
  return lines.join('\n');
}

/** Literal words of a display before its first placeholder, lower-cased. */
function leadingWords(display: string): string {
  const cut = display.indexOf('{{');
  return squash(lowerSameLength(cut < 0 ? display : display.slice(0, cut)));
}

/**
 * The alias `!help <query>` is about, if the query names exactly one: its ref or name, one of its
 * displays, the literal words its display starts with (`pack install`), or a command it would run.
 * Undefined means "treat the query as a filter".
 */
export function findAliasForHelp(aliases: readonly ActionAlias[], query: string): ActionAlias | undefined {
  const q = squash(lowerSameLength(query));
  if (q === '') return undefined;
  const enabled = aliases.filter((a) => a.enabled !== false);
  const unique = (found: ActionAlias[]): ActionAlias | undefined => (new Set(found).size === 1 ? found[0] : undefined);
  const byName = enabled.filter((a) => lowerSameLength(a.ref) === q || lowerSameLength(a.name) === q);
  if (byName.length > 0) return unique(byName);
  const byDisplay = enabled.filter((a) => aliasDisplays(a).some((d) => squash(lowerSameLength(d)) === q));
  if (byDisplay.length > 0) return unique(byDisplay);
  const byLead = enabled.filter((a) => aliasDisplays(a).some((d) => leadingWords(d) === q));
  if (byLead.length > 0) return unique(byLead);
  const outcome = new AliasMatcher(enabled).match(query);
  return outcome.kind === 'match' ? outcome.matches[0]?.alias : undefined;
}
