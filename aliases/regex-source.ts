import { translatePythonRegex } from '../lib/python-regex.js';
import { walkRegexTokens as walk } from '../lib/regex-tokens.js';
import type { FormatPart } from './format-parts.js';

/**
 * StackStorm regex formats are Python regular expressions; Squall runs them as JavaScript ones
 * (translated by lib/python-regex.ts). This file finds anchors, scores a pattern's specificity, bounds
 * its backtracking and builds the RegExp for a regex-kind format.
 */

/** Whether the (translated) source has a `^` outside escapes and character classes, anywhere. */
export function hasStartAnchor(src: string): boolean {
  let found = false;
  walk(src, (t, kind) => {
    if (kind === 'char' && t === '^') found = true;
  });
  return found;
}

export function hasEndAnchor(src: string): boolean {
  let found = false;
  walk(src, (t, kind) => {
    if (kind === 'char' && t === '$') found = true;
  });
  return found;
}

const CLASS_ESCAPES = new Set('dDwWsSbBkpPnrtfv0123456789cxu'.split(''));

/**
 * Specificity of a regex format: the literal characters a match must contain. Counted are ordinary
 * characters and escaped punctuation (`\.`) outside any group, character class or quantified atom
 * (`a?`, `a*`, `a{0,2}`), whitespace excluded. With a top-level `|` the smallest branch counts.
 */
export function regexLiteralScore(src: string): number {
  const branches: number[] = [0];
  let depth = 0;
  let pendingLiteral = 0;
  const flush = (quantified: boolean): void => {
    if (!quantified) branches[branches.length - 1] = (branches.at(-1) as number) + pendingLiteral;
    pendingLiteral = 0;
  };
  let inBrace = false;
  walk(src, (t, kind) => {
    if (inBrace) {
      if (t === '}') inBrace = false;
      return;
    }
    if (kind === 'char' && '?*'.includes(t)) return flush(true);
    if (kind === 'char' && t === '{') {
      inBrace = true;
      return flush(true);
    }
    if (kind === 'char' && t === '+') return flush(false);
    flush(false);
    if (kind === 'char' && t === '(') depth++;
    else if (kind === 'char' && t === ')') depth = Math.max(0, depth - 1);
    else if (kind === 'char' && t === '|' && depth === 0) branches.push(0);
    else if (depth === 0 && kind === 'char' && !'.^$|'.includes(t) && !/\s/.test(t)) pendingLiteral = 1;
    else if (depth === 0 && kind === 'escape' && !CLASS_ESCAPES.has(t[1] ?? '')) pendingLiteral = 1;
  });
  flush(false);
  return Math.min(...branches);
}

/** How a placeholder's value is matched inside a regex format: a whole quoted value, or lazily anything. */
const VALUE = `"[^"]*"|'[^']*'|[\\s\\S]+?`;

export interface BuiltRegex {
  regex: RegExp;
  /** Commands longer than this are not tried (bounds backtracking; see maxInputLength). */
  maxLength: number;
  /** The backtracking bound for a text of this length, counted as matcher steps (see match-steps.ts). */
  stepsFor: (length: number) => number;
  /** Squall anchored the pattern at the start (`^\s*`): every match begins at the command's start. */
  pinned?: boolean;
  /** Regex group name to parameter, with the placeholder's default if it has one. */
  groups: { group: string; param: string; default?: string }[];
}

/**
 * Builds the RegExp of a regex-kind format: literal parts are regex source, placeholders become named
 * groups. Anchored like StackStorm (`^\s*` unless the pattern has a start anchor, `\s*$` unless it has an
 * end anchor); `match_multiple` formats are left unanchored and global. Throws on an invalid pattern.
 */
export function buildFormatRegex(parts: readonly FormatPart[], opts: { multiple: boolean }): BuiltRegex {
  const groups: BuiltRegex['groups'] = [];
  let body = '';
  let literalSource = '';
  // The pattern as the risk check sees it: a placeholder is one lazy repetition (its quoted-string
  // alternatives are linear and do not add backtracking).
  let riskSource = '';
  for (const p of parts) {
    if (p.kind === 'literal') {
      literalSource += p.text;
      body += p.text;
      riskSource += p.text;
      continue;
    }
    riskSource += p.default === undefined ? '(?:.+?)' : '(?:(?:.+?))?';
    const group = `sqp${groups.length}`;
    groups.push(p.default === undefined ? { group, param: p.name } : { group, param: p.name, default: p.default });
    body += p.default === undefined ? `(?<${group}>${VALUE})` : `(?:(?<${group}>${VALUE}))?`;
  }
  const translated = translatePythonRegex(body);
  for (const name of translatePythonRegex(literalSource).groupNames) groups.push({ group: name, param: name });
  let source = translated.source;
  const risk = regexRisk(translatePythonRegex(riskSource).source);
  if (risk.nested)
    throw new Error(
      'a repeated group contains a repetition or alternative, e.g. (a+)+, which can take exponential time',
    );
  if (risk.unbounded > MAX_UNBOUNDED)
    throw new Error(
      `more than ${MAX_UNBOUNDED} unbounded repetitions (placeholders count), which can take polynomial time of that degree`,
    );
  // A pattern not pinned to the start is tried at every position: one more factor n, unless it opens
  // with literal text, which the engine checks in constant time at each position.
  const searched = (opts.multiple || (hasStartAnchor(source) && !source.startsWith('^'))) && !opensWithLiteral(source);
  const pinned = !opts.multiple && !hasStartAnchor(source);
  if (!opts.multiple) {
    if (pinned) source = `^\\s*(?:${source})`;
    if (!hasEndAnchor(source)) source = `(?:${source})\\s*$`;
  }
  const built = boundedRegex(
    new RegExp(source, opts.multiple ? 'gis' : 'is'),
    groups,
    risk.unbounded + (searched ? 1 : 0),
  );
  return pinned ? { ...built, pinned } : built;
}

/** A leading zero-width group such as StackStorm's `(?:\b|^)`, which costs nothing per position. */
const ZERO_WIDTH_OPENER = /^(?:\(\?:(?:\\b|\^)(?:\|(?:\\b|\^))*\)|\\b|\^)/;

/** Does the pattern (after a zero-width opener) start with two literal characters, neither quantified? */
export function opensWithLiteral(src: string): boolean {
  const rest = src.replace(ZERO_WIDTH_OPENER, '');
  return /^[\p{L}\p{N} _\-:/,'"@#%&=<>~`!;]{2}(?![?*+{])/u.test(rest);
}

/** Largest `{n,m}` upper bound treated as a small, bounded repetition. */
const SMALL_REPEAT = 10;

export interface RegexRisk {
  /** Unbounded repetitions (`+`, `*`, `{n,}`, large `{n,m}`), placeholders included. */
  unbounded: number;
  /** An unbounded repetition of a group that itself repeats or alternates: `(a+)+`, `(a|ab)*`. */
  nested: boolean;
}

/**
 * How badly a pattern can backtrack. JavaScript's regex engine backtracks, so `(a+)+` is exponential
 * and k unbounded repetitions in a row are O(n^k) on input that almost matches. Squall rejects the
 * first kind at registration and bounds the second by input length (see maxInputLength).
 */
export function regexRisk(src: string): RegexRisk {
  let unbounded = 0;
  let nested = false;
  // For each open group: does it contain an unbounded repetition or an alternation?
  const groups: boolean[] = [];
  let lastClosedGroupRisky: boolean | undefined;
  let afterQuantifier = false;
  let braceBody: string | undefined;
  walk(src, (t, kind) => {
    if (braceBody !== undefined) {
      if (t !== '}') {
        braceBody += t;
        return;
      }
      const m = /^(\d*)(,?)(\d*)$/.exec(braceBody);
      braceBody = undefined;
      if (m === null) return;
      const isUnbounded = m[2] === ',' && (m[3] === '' || Number(m[3]) > SMALL_REPEAT);
      if (isUnbounded) quantified();
      afterQuantifier = true;
      return;
    }
    const wasAfterQuantifier = afterQuantifier;
    afterQuantifier = false;
    const closed = lastClosedGroupRisky;
    lastClosedGroupRisky = undefined;
    if (kind !== 'char') return;
    if (t === '?' && wasAfterQuantifier) return; // lazy modifier
    if (t === '+' || t === '*') {
      lastClosedGroupRisky = closed;
      quantified();
      afterQuantifier = true;
      return;
    }
    if (t === '?') {
      afterQuantifier = true;
      return;
    }
    if (t === '{') {
      lastClosedGroupRisky = closed;
      braceBody = '';
      return;
    }
    if (t === '(') groups.push(false);
    else if (t === ')') lastClosedGroupRisky = groups.pop() ?? false;
    else if (t === '|' && groups.length > 0) groups[groups.length - 1] = true;
  });
  return { unbounded, nested };

  function quantified(): void {
    unbounded++;
    if (lastClosedGroupRisky === true) nested = true;
    for (let i = 0; i < groups.length; i++) groups[i] = true;
  }
}

/**
 * Backtracking steps a single regex match may cost, roughly: V8 takes a few nanoseconds a step, so one
 * match stays within a few milliseconds.
 */
export const REGEX_STEP_BUDGET = 1_000_000;
/** More unbounded repetitions than this is refused at registration: only tiny inputs could be matched. */
export const MAX_UNBOUNDED = 8;

/**
 * The longest command a pattern of backtracking degree k (unbounded repetitions, plus one when it is
 * searched for rather than anchored at the start) is run on: about n^k steps at most. Longer commands
 * simply do not match that format. Degree 1 is linear and always run (commands are at most
 * MAX_COMMAND_LENGTH long).
 */
export function maxInputLength(degree: number): number {
  return degree <= 1 ? Number.POSITIVE_INFINITY : Math.floor(REGEX_STEP_BUDGET ** (1 / degree));
}

/** A RegExp with its groups and the input bound of its backtracking degree. */
export function boundedRegex(regex: RegExp, groups: BuiltRegex['groups'], degree: number): BuiltRegex {
  const k = Math.max(1, degree);
  return { regex, groups, maxLength: maxInputLength(k), stepsFor: (n) => Math.max(1, n) ** k };
}
