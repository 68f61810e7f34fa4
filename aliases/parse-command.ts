import { SquallError } from '../engine/errors.js';
import { tokenizeCommand } from './command-lexer.js';
import { countSteps } from './match-steps.js';
import { lowerSameLength } from './text-utils.js';

/** One piece of a word as the tokenizer sees it; offsets are into the original command text. */
interface SourcePiece {
  kind: 'text' | 'eq' | 'str' | 'group';
  start: number;
  end: number;
  /** For `str`, the value without its quotes. */
  value: string;
}
interface SourceWord {
  pieces: SourcePiece[];
  start: number;
  end: number;
}

/**
 * The longest command (in UTF-16 code units, what JavaScript's `length` counts) Squall matches. Longer
 * commands are refused with SQ_ALIAS_COMMAND_TOO_LONG, from chat and from the API alike: matching is
 * linear, but a bound keeps every match within a few milliseconds and every regex format's
 * backtracking budget meaningful. 8 KB is far more than anyone types, and room for pasted JSON.
 */
export const MAX_COMMAND_LENGTH = 8192;

/** The refusal of a command longer than MAX_COMMAND_LENGTH, or undefined when it is short enough. */
export function commandTooLong(command: string): SquallError | undefined {
  if (command.length <= MAX_COMMAND_LENGTH) return undefined;
  return new SquallError(
    'SQ_ALIAS_COMMAND_TOO_LONG',
    `The command is ${command.length} characters long; commands may be at most ${MAX_COMMAND_LENGTH} characters.`,
    { details: { length: command.length, max: MAX_COMMAND_LENGTH } },
  );
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
  boundary: number[];
  /** At the first character of a separator, the offset just past it; elsewhere -1. */
  sepEnd: number[];
  /** Start offsets of separators, ascending. */
  sepStarts: number[];
  /** 1 inside a separator. */
  inSep: number[];
  /** Quoted values by start offset: a value spanning exactly one loses its quotes. */
  quoted: Map<number, CommandPiece>;
  /** The trailing words that are `key=value` pairs (possibly none), in order. */
  kv: KvPair[];
}

const KEY = /^\w+$/;
/** Trailing pairs considered as parameters; more than this many stay text (bounds the matcher's retries). */
export const MAX_KV_PAIRS = 16;
const STRAIGHT: Record<string, string> = { '\u201C': '"', '\u201D': '"', '\u2018': "'", '\u2019': "'" };

/**
 * Groups the tokenizer's tokens into words: whitespace at the top level separates words, and a balanced
 * bracket group (the tokenizer only emits balanced ones) is one piece however many tokens it holds.
 * One pass, so the cost is linear in the command.
 */
function wordsOf(source: string): SourceWord[] {
  const words: SourceWord[] = [];
  let pieces: SourcePiece[] = [];
  let depth = 0;
  let groupStart = 0;
  const endWord = (): void => {
    if (pieces.length === 0) return;
    words.push({
      pieces,
      start: (pieces[0] as SourcePiece).start,
      end: (pieces[pieces.length - 1] as SourcePiece).end,
    });
    pieces = [];
  };
  for (const t of tokenizeCommand(source)) {
    switch (t.type) {
      case 'lbrace':
      case 'lbrack':
        if (depth++ === 0) groupStart = t.offset;
        break;
      case 'rbrace':
      case 'rbrack':
        if (--depth === 0) pieces.push({ kind: 'group', start: groupStart, end: t.offset + 1, value: '' });
        break;
      case 'ws':
        if (depth === 0) endWord();
        break;
      default:
        if (depth === 0)
          pieces.push({
            kind: t.type as 'text' | 'eq' | 'str',
            start: t.offset,
            end: t.offset + t.text.length,
            value: t.value,
          });
    }
  }
  endWord();
  return words;
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

/** Parses command text (see command-lexer.ts for the lexical rules). Never throws; see MAX_COMMAND_LENGTH. */
export function parseCommand(source: string): ParsedCommand {
  countSteps(source.length + 1);
  const gWords = wordsOf(source);
  const { text, words, seps } = ALREADY_NORMAL.test(source) ? asWritten(source, gWords) : normalised(source, gWords);
  return indexed(source, text, words, seps);
}

/** Text that normalising leaves as it is: single spaces between words, no curly quotes, no edge spaces. */
const ALREADY_NORMAL = /^(?:[^\s\u201C\u201D\u2018\u2019]+(?: [^\s\u201C\u201D\u2018\u2019]+)*)?$/;

interface Laid {
  text: string;
  words: CommandWord[];
  seps: { start: number; end: number }[];
}

/**
 * The common case: offsets into the source are offsets into the text (see ALREADY_NORMAL), so the
 * tokenizer's words are the command's words; only a group's value (the text it spans) is filled in.
 */
function asWritten(source: string, gWords: SourceWord[]): Laid {
  const seps: { start: number; end: number }[] = [];
  for (let i = 0; i < gWords.length; i++) {
    const gw = gWords[i] as SourceWord;
    if (i > 0) seps.push({ start: gw.start - 1, end: gw.start });
    for (const gp of gw.pieces) if (gp.kind === 'group') gp.value = source.slice(gp.start, gp.end);
  }
  return { text: source, words: gWords, seps };
}

/** Separators become one space (a run with a line break keeps the break); curly quotes become straight. */
function normalised(source: string, gWords: readonly SourceWord[]): Laid {
  let text = '';
  const words: CommandWord[] = [];
  const seps: { start: number; end: number }[] = [];
  for (const [i, gw] of gWords.entries()) {
    if (i > 0) {
      const prev = gWords[i - 1] as SourceWord;
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
  return { text, words, seps };
}

function indexed(source: string, text: string, words: CommandWord[], seps: Laid['seps']): ParsedCommand {
  const n = text.length;
  // Plain arrays, not typed ones: a typed array beyond 64 bytes has its memory outside the heap,
  // and allocating (and collecting) three per command was a quarter of the matcher's time.
  const boundary: number[] = new Array<number>(n + 1).fill(0);
  const sepEnd: number[] = new Array<number>(n + 1).fill(-1);
  const inSep: number[] = new Array<number>(n + 1).fill(0);
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
