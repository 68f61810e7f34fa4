import nearley from 'nearley';
import { createCommandLexer } from './command-lexer.js';
import commandGrammar from './grammar/command.grammar.js';
import { lowerSameLength } from './text-utils.js';

/** One piece of a word as the grammar returns it; offsets are into the original command text. */
interface GrammarPiece {
  kind: 'text' | 'eq' | 'str' | 'group';
  start: number;
  end: number;
  /** For `str`, the value without its quotes. */
  value: string;
}
/** The grammar's lists: cons cells, newest first. */
interface Cons<T> {
  head: T;
  tail: Cons<T> | null;
}
interface GrammarWord {
  pieces: GrammarPiece[];
  start: number;
  end: number;
}

function flatten<T>(list: Cons<T> | null): T[] {
  const out: T[] = [];
  for (let c = list; c !== null; c = c.tail) out.push(c.head);
  return out.reverse();
}

/** A piece placed in the normalised text. */
export interface CommandPiece {
  kind: 'text' | 'eq' | 'str' | 'group';
  start: number;
  end: number;
  /** The value the piece stands for: a quoted value without quotes, anything else as written. */
  value: string;
}
export interface CommandWord {
  start: number;
  end: number;
  pieces: CommandPiece[];
}
/** A trailing `key=value` word. */
export interface KvPair {
  key: string;
  value: string;
}

/**
 * A command parsed once and shared by every format it is matched against. `text` is the command with
 * separators normalised (runs of spaces and tabs become one space; a run with a line break keeps the
 * break) and curly quotes of quoted values made straight; all offsets below are into `text`.
 */
export interface ParsedCommand {
  source: string;
  text: string;
  /** `text` lower-cased character by character (same length), for case-insensitive literals. */
  lower: string;
  words: CommandWord[];
  /** 1 where a value may begin or end: anywhere in plain text, only at the edges of quoted values and JSON. */
  boundary: Uint8Array;
  /** At the first character of a separator, the offset just past it; elsewhere -1. */
  sepEnd: Int32Array;
  /** Start offsets of separators, ascending. */
  sepStarts: number[];
  /** 1 inside a separator. */
  inSep: Uint8Array;
  /** Quoted values by start offset: a value spanning exactly one loses its quotes. */
  quoted: Map<number, CommandPiece>;
  /** The trailing words that are `key=value` pairs (possibly none), in order. */
  kv: KvPair[];
}

const grammar = nearley.Grammar.fromCompiled(commandGrammar as unknown as nearley.CompiledRules);
const KEY = /^\w+$/;
/** Trailing pairs considered as parameters; more than this many stay text (bounds the matcher's retries). */
export const MAX_KV_PAIRS = 16;
const STRAIGHT: Record<string, string> = { '\u201C': '"', '\u201D': '"', '\u2018': "'", '\u2019': "'" };

function runGrammar(source: string): GrammarWord[] {
  const parser = new nearley.Parser(grammar, { lexer: createCommandLexer() });
  parser.feed(source);
  // The tokenizer only emits balanced groups, so every token stream parses, and exactly one way.
  const words = flatten((parser.results[0] ?? null) as Cons<Cons<GrammarPiece>> | null);
  return words.map((w) => {
    const pieces = flatten(w);
    return { pieces, start: (pieces[0] as GrammarPiece).start, end: (pieces[pieces.length - 1] as GrammarPiece).end };
  });
}

function normaliseSeparator(ws: string): string {
  const br = ws.search(/[\r\n]/);
  return br < 0 ? ' ' : ws.slice(br);
}

function kvOf(word: CommandWord, text: string): KvPair | undefined {
  const [key, eq, ...rest] = word.pieces;
  if (key?.kind !== 'text' || eq?.kind !== 'eq' || rest.length === 0) return undefined;
  const name = text.slice(key.start, key.end);
  if (!KEY.test(name)) return undefined;
  const first = rest[0] as CommandPiece;
  if (rest.length === 1 && (first.kind === 'str' || first.kind === 'group')) return { key: name, value: first.value };
  return { key: name, value: text.slice(first.start, word.end) };
}

/** Parses command text with grammar/command.ne. Never throws. */
export function parseCommand(source: string): ParsedCommand {
  const gWords = runGrammar(source);
  let text = '';
  const words: CommandWord[] = [];
  const seps: { start: number; end: number }[] = [];
  for (const [i, gw] of gWords.entries()) {
    if (i > 0) {
      const prev = gWords[i - 1] as GrammarWord;
      const sep = normaliseSeparator(source.slice(prev.end, gw.start));
      seps.push({ start: text.length, end: text.length + sep.length });
      text += sep;
    }
    const wordStart = text.length;
    const pieces: CommandPiece[] = [];
    for (const gp of gw.pieces) {
      let raw = source.slice(gp.start, gp.end);
      if (gp.kind === 'str')
        raw =
          (STRAIGHT[raw[0] as string] ?? raw[0]) + raw.slice(1, -1) + (STRAIGHT[raw.at(-1) as string] ?? raw.at(-1));
      const start = text.length;
      text += raw;
      pieces.push({ kind: gp.kind, start, end: text.length, value: gp.kind === 'str' ? gp.value : raw });
    }
    words.push({ start: wordStart, end: text.length, pieces });
  }
  const n = text.length;
  const boundary = new Uint8Array(n + 1);
  const sepEnd = new Int32Array(n + 1).fill(-1);
  const inSep = new Uint8Array(n + 1);
  const quoted = new Map<number, CommandPiece>();
  for (const w of words) {
    for (const p of w.pieces) {
      if (p.kind === 'str' || p.kind === 'group') {
        boundary[p.start] = 1;
        boundary[p.end] = 1;
        if (p.kind === 'str') quoted.set(p.start, p);
      } else boundary.fill(1, p.start, p.end + 1);
    }
  }
  for (const s of seps) {
    sepEnd[s.start] = s.end;
    inSep.fill(1, s.start, s.end);
  }
  const kv: KvPair[] = [];
  for (let i = words.length - 1; i >= 0 && kv.length < MAX_KV_PAIRS; i--) {
    const pair = kvOf(words[i] as CommandWord, text);
    if (pair === undefined) break;
    kv.unshift(pair);
  }
  return {
    source,
    text,
    lower: lowerSameLength(text),
    words,
    boundary,
    sepEnd,
    sepStarts: seps.map((s) => s.start),
    inSep,
    quoted,
    kv,
  };
}
