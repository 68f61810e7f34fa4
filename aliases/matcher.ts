import { SquallError } from '../engine/errors.js';
import type { ActionAlias } from '../engine/model/alias.js';
import { translatePythonRegex } from '../lib/python-regex.js';
import { aliasFormatEntries } from './alias-formats.js';
import { ClosestIndex, type CommandChoice } from './closest.js';
import { type CompiledFormat, compileFormat } from './compile-format.js';
import { matchFormat } from './extract.js';
import { findOccurrences } from './multi-match.js';
import { commandTooLong, type ParsedCommand, parseCommand } from './parse-command.js';
import { regexFirstWords } from './regex-prefix.js';

export interface AliasMatch {
  alias: ActionAlias;
  /** The format that matched. */
  representation: string;
  /** What help shows for that format (the representation when the format has no display). */
  display: string;
  parameters: Record<string, string>;
  score: number;
}

export type MatchOutcome =
  | { kind: 'match'; matches: AliasMatch[] /* >1 only for match_multiple */ }
  | { kind: 'ambiguous'; candidates: { ref: string; display: string }[]; message: string }
  | { kind: 'none'; closest: { ref: string; display: string; description?: string }[]; message: string };

interface Entry {
  /** Position in registration order: breaks ties between formats of one alias ("the first wins"). */
  ord: number;
  alias: ActionAlias;
  /** The alias's position in the alias set, for the per-match permission answers. */
  aliasNo: number;
  display: string;
  representation: string;
  compiled: CompiledFormat;
}

/** Formats starting with one literal word, sub-indexed by their second literal word when they have one. */
interface WordBucket {
  /** Formats whose second element is not a whole literal word. */
  any: Entry[];
  bySecond: Map<string, Entry[]>;
}

function pushTo<K>(map: Map<K, Entry[]>, key: K, e: Entry): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [e]);
  else list.push(e);
}

interface Found {
  entry: Entry;
  parameters: Record<string, string>[];
  score: number;
}

/**
 * Checks every format of an alias; returns the first problem (for pack registration) or undefined.
 *
 * @example validateAliasFormats(alias) ?? register(alias)
 */
export function validateAliasFormats(alias: ActionAlias): string | undefined {
  if (!Array.isArray(alias.formats)) return `alias ${alias.ref} has no formats list`;
  for (const e of aliasFormatEntries(alias)) {
    try {
      compileFormat(e.representation);
    } catch (err) {
      return err instanceof SquallError ? err.message : String(err);
    }
  }
  return undefined;
}

function wordAt(cmd: ParsedCommand, i: number): string {
  const w = cmd.words[i];
  return w === undefined ? '' : cmd.lower.slice(w.start, w.end);
}

/**
 * The first words a regex format can match, when they can be read off its start: only for patterns
 * Squall anchors itself (`^\s*` in front), since a pattern with its own `^` elsewhere may match mid-text.
 */
function regexStartWords(c: CompiledFormat & { kind: 'regex' }): string[] | undefined {
  if (c.built.pinned !== true) return undefined;
  const literal = c.parsed.parts.map((p) => (p.kind === 'literal' ? p.text : '\u0000')).join('');
  // A placeholder cannot be read as literal text: U+0000 stops the scan there.
  return regexFirstWords(translatePythonRegex(literal).source);
}

const byOrd = (a: Entry, b: Entry): number => a.ord - b.ord;

const quote = (s: string): string => JSON.stringify(s.length > 200 ? `${s.slice(0, 200)}…` : s);

export interface AliasMatcherOptions {
  /**
   * Index formats by their leading literal words, so a command is only tried against formats that can
   * match it. Off only to check that the index changes no result.
   * @default true
   */
  indexed?: boolean;
}

/**
 * Matches chat commands against all enabled aliases. Formats are compiled once (setAliases); a
 * command is parsed once per match and only tried against formats whose first literal word is the
 * command's first word (regex formats too, when their first words can be read off the pattern), plus
 * the formats that do not start with one. The most specific match wins
 * (most literal characters); an exact tie between aliases is ambiguous; no match answers with the
 * closest commands. `match_multiple` formats are searched only when no ordinary format matched.
 *
 * @example new AliasMatcher(aliases).match('run date on web1', (a) => mayRun(user, a))
 */
export class AliasMatcher {
  /** Formats that could not be compiled; their aliases keep working with their other formats. */
  readonly problems: { ref: string; format: string; problem: string }[] = [];
  #byFirstWord = new Map<string, WordBucket>();
  #unindexed: Entry[] = [];
  #multiple: Entry[] = [];
  #closest = new ClosestIndex<number>([]);
  #aliases: readonly ActionAlias[] = [];
  /** Per alias number: the match (#generation) that asked whether it may run, and the answer (1 yes). */
  #askedAt = new Uint32Array(0);
  #answer = new Uint8Array(0);
  #generation = 0;
  readonly #indexed: boolean;

  constructor(aliases: readonly ActionAlias[] = [], options: AliasMatcherOptions = {}) {
    this.#indexed = options.indexed ?? true;
    this.setAliases(aliases);
  }

  /** Replaces the alias set, compiling every format once. Invalid formats are skipped and recorded. */
  setAliases(aliases: readonly ActionAlias[]): void {
    this.problems.length = 0;
    this.#byFirstWord = new Map();
    this.#unindexed = [];
    this.#multiple = [];
    this.#aliases = [...aliases];
    this.#askedAt = new Uint32Array(aliases.length);
    this.#answer = new Uint8Array(aliases.length);
    let ord = 0;
    const choices: { item: number; choice: CommandChoice }[] = [];
    for (const [aliasNo, alias] of this.#aliases.entries()) {
      for (const f of aliasFormatEntries(alias)) {
        if (f.display === undefined) continue;
        const choice: CommandChoice = { ref: alias.ref, display: f.display };
        if (alias.description !== undefined) choice.description = alias.description;
        choices.push({ item: aliasNo, choice });
      }
      for (const f of aliasFormatEntries(alias)) {
        let compiled: CompiledFormat;
        try {
          compiled = compileFormat(f.representation);
        } catch (err) {
          this.problems.push({
            ref: alias.ref,
            format: f.representation,
            problem: err instanceof Error ? err.message : String(err),
          });
          continue;
        }
        const entry: Entry = {
          ord: ord++,
          alias,
          aliasNo,
          display: f.display ?? f.representation,
          representation: f.representation,
          compiled,
        };
        if (f.multiple) this.#multiple.push(entry);
        else if (!this.#indexed) this.#unindexed.push(entry);
        else if (compiled.kind === 'template' && compiled.firstWord !== undefined) {
          const bucket = this.#bucket(compiled.firstWord);
          if (compiled.secondWord === undefined) bucket.any.push(entry);
          else pushTo(bucket.bySecond, compiled.secondWord, entry);
        } else {
          const words = compiled.kind === 'regex' ? regexStartWords(compiled) : undefined;
          if (words === undefined) this.#unindexed.push(entry);
          else for (const w of words) this.#bucket(w).any.push(entry);
        }
      }
    }
    this.#closest = new ClosestIndex(choices);
  }

  #bucket(word: string): WordBucket {
    let bucket = this.#byFirstWord.get(word);
    if (bucket === undefined) {
      bucket = { any: [], bySecond: new Map() };
      this.#byFirstWord.set(word, bucket);
    }
    return bucket;
  }

  /**
   * Finds the alias a command runs. Throws SQ_ALIAS_COMMAND_TOO_LONG for a command longer than
   * MAX_COMMAND_LENGTH. `filter` says whether the asking user may run an alias here; aliases
   * it rejects are invisible (never matched, never suggested). Disabled aliases are always skipped.
   */
  match(command: string, filter?: (a: ActionAlias) => boolean): MatchOutcome {
    const tooLong = commandTooLong(command);
    if (tooLong !== undefined) throw tooLong;
    const cmd = parseCommand(command);
    // Whether each alias may run is asked once per match, remembered by alias number for this match.
    if (++this.#generation === 0xffffffff) {
      this.#askedAt.fill(0);
      this.#generation = 1;
    }
    const gen = this.#generation;
    const askedAt = this.#askedAt;
    const answer = this.#answer;
    const aliases = this.#aliases;
    const may = (i: number): boolean => {
      if (askedAt[i] !== gen) {
        const a = aliases[i] as ActionAlias;
        answer[i] = a.enabled !== false && (filter === undefined || filter(a)) ? 1 : 0;
        askedAt[i] = gen;
      }
      return answer[i] === 1;
    };

    const ordinary = this.#best(this.#candidates(cmd), may, (e) => {
      const m = matchFormat(e.compiled, cmd);
      return m === undefined ? undefined : { parameters: [m.parameters], score: m.score };
    });
    const found =
      ordinary.length > 0
        ? ordinary
        : this.#best(this.#multiple, may, (e) => {
            const occ = findOccurrences(e.compiled, cmd);
            return occ.length === 0 ? undefined : { parameters: occ, score: e.compiled.score };
          });

    if (found.length === 1) {
      const f = found[0] as Found;
      const { alias, representation, display } = f.entry;
      return {
        kind: 'match',
        matches: f.parameters.map((parameters) => ({ alias, representation, display, parameters, score: f.score })),
      };
    }
    if (found.length > 1) {
      const candidates = found.map((f) => ({ ref: f.entry.alias.ref, display: f.entry.display }));
      return {
        kind: 'ambiguous',
        candidates,
        message:
          `${quote(command)} matches ${candidates.length} commands equally well: ` +
          `${candidates.map((c) => `${c.display} (${c.ref})`).join(', ')}. Add words to say which one you mean.`,
      };
    }
    const closest = this.#closest.rank(command, may);
    return {
      kind: 'none',
      closest,
      message:
        closest.length === 0
          ? `No command matches ${quote(command)}, and no commands are available to you here.`
          : `No command matches ${quote(command)}. Closest: ${closest.map((c) => c.display).join(' | ')}`,
    };
  }

  /**
   * The formats that can match: those indexed under the command's first word (and second word), plus the
   * unindexed ones, in registration order.
   */
  #candidates(cmd: ParsedCommand): Entry[] {
    const bucket = this.#byFirstWord.get(wordAt(cmd, 0));
    if (bucket === undefined) return this.#unindexed;
    const second = bucket.bySecond.get(wordAt(cmd, 1));
    const lists: Entry[][] = [];
    if (bucket.any.length > 0) lists.push(bucket.any);
    if (second !== undefined) lists.push(second);
    if (this.#unindexed.length > 0) lists.push(this.#unindexed);
    if (lists.length === 0) return [];
    if (lists.length === 1) return lists[0] as Entry[];
    return lists.flat().sort(byOrd);
  }

  /** The best match of each alias, keeping only the aliases with the top score (one unless tied). */
  #best(
    entries: readonly Entry[],
    may: (aliasNo: number) => boolean,
    test: (e: Entry) => Omit<Found, 'entry'> | undefined,
  ): Found[] {
    // Only matching formats land here, a handful at most, so a list searched by alias beats a Map.
    const perAlias: Found[] = [];
    let top = -1;
    for (const e of entries) {
      if (e.compiled.score < top) continue;
      const at = perAlias.findIndex((f) => f.entry.alias === e.alias);
      // A later format of the same alias only replaces an earlier one with a strictly higher score.
      if (at >= 0 && (perAlias[at] as Found).score >= e.compiled.score) continue;
      if (!may(e.aliasNo)) continue;
      const r = test(e);
      if (r === undefined) continue;
      const found = { entry: e, parameters: r.parameters, score: r.score };
      if (at >= 0) perAlias[at] = found;
      else perAlias.push(found);
      if (r.score > top) top = r.score;
    }
    return perAlias.filter((f) => f.score === top);
  }
}
