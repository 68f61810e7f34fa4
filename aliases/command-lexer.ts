import type { LexToken } from '../lib/nearley-token-lexer.js';

/**
 * Tokenizer for chat command text, read by parse-command.ts.
 *
 * It makes the lexical decisions that need lookahead, so that grouping tokens into words is one linear pass:
 * - a quote opens a quoted value only at the start of a word (or right after `=`) and only if a quote of
 *   the same family closes it at the end of a word; otherwise it is an ordinary character, which is how
 *   `don't` keeps its apostrophe. Chat clients' curly quotes belong to the families of `"` and `'`.
 * - `{` or `[` at the start of a word opens a JSON-ish group only if it is balanced; inside a group,
 *   strings are skipped so that brackets in them do not count.
 */

const DOUBLE = '"\u201C\u201D';
const SINGLE = "'\u2018\u2019";
/** Bracket scanning work allowed per command before `{`/`[` are taken as plain text (bounds pathological input). */
const GROUP_SCAN_BUDGET = 100_000;

/** Whitespace as `\s` defines it; ASCII answered without the regex, since this runs for every character. */
function isWs(ch: string | undefined): boolean {
  if (ch === undefined) return false;
  const c = ch.charCodeAt(0);
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return /\s/.test(ch);
}
function quoteFamily(ch: string | undefined): string | undefined {
  if (ch === undefined) return undefined;
  if (DOUBLE.includes(ch)) return DOUBLE;
  if (SINGLE.includes(ch)) return SINGLE;
  return undefined;
}

/** Removes backslash escapes of the value's own quote family (`\"` inside `"..."`). */
function unescapeQuoted(content: string, family: string): string {
  let out = '';
  for (let k = 0; k < content.length; k++) {
    const ch = content[k] as string;
    const nx = content[k + 1];
    if (ch === '\\' && nx !== undefined && family.includes(nx)) {
      out += nx;
      k++;
    } else out += ch;
  }
  return out;
}

/**
 * For each position, the nearest position at or after it holding a quote of the family that can close
 * a top-level quoted value (unescaped, followed by whitespace or the end). Linear, so a message full
 * of unclosed quotes costs no more than any other.
 */
function closeTable(s: string, family: string): number[] {
  // A plain array: small typed arrays cost an allocation outside the heap each (see parse-command.ts).
  const next = new Array<number>(s.length + 1).fill(-1);
  for (let k = s.length - 1; k >= 0; k--) {
    const ch = s[k] as string;
    const closes = family.includes(ch) && s[k - 1] !== '\\' && (k + 1 === s.length || isWs(s[k + 1]));
    next[k] = closes ? k : (next[k + 1] as number);
  }
  return next;
}

/** A token whose value is its text (one string for both). */
function sliceToken(type: 'ws' | 'text', s: string, start: number, end: number): LexToken {
  const text = s.slice(start, end);
  return { type, value: text, text, offset: start };
}

interface Budget {
  left: number;
}

/**
 * Tokens of the balanced group starting at `start`, or undefined when it is not balanced (then the
 * bracket is plain text). Inside a group a quote opens a string where a JSON value could start.
 */
function scanGroup(s: string, start: number, budget: Budget): LexToken[] | undefined {
  const out: LexToken[] = [];
  const stack: string[] = [];
  let k = start;
  let prevSignificant = '';
  while (k < s.length) {
    if (--budget.left < 0) return undefined;
    const ch = s[k] as string;
    if (ch === '{' || ch === '[') {
      stack.push(ch === '{' ? '}' : ']');
      out.push({ type: ch === '{' ? 'lbrace' : 'lbrack', value: ch, text: ch, offset: k });
      prevSignificant = ch;
      k++;
      continue;
    }
    if (ch === '}' || ch === ']') {
      if (stack.pop() !== ch) return undefined;
      out.push({ type: ch === '}' ? 'rbrace' : 'rbrack', value: ch, text: ch, offset: k });
      prevSignificant = ch;
      k++;
      if (stack.length === 0) return out;
      continue;
    }
    if (isWs(ch)) {
      let j = k + 1;
      while (j < s.length && isWs(s[j])) j++;
      out.push(sliceToken('ws', s, k, j));
      k = j;
      continue;
    }
    const family = quoteFamily(ch);
    if (family !== undefined && (prevSignificant === '' || '{[,:='.includes(prevSignificant) || isWs(s[k - 1]))) {
      let j = k + 1;
      while (j < s.length && !(family.includes(s[j] as string) && s[j - 1] !== '\\')) {
        if (--budget.left < 0) return undefined;
        j++;
      }
      if (j >= s.length) return undefined;
      const text = s.slice(k, j + 1);
      out.push({ type: 'str', value: unescapeQuoted(s.slice(k + 1, j), family), text, offset: k });
      prevSignificant = '"';
      k = j + 1;
      continue;
    }
    let j = k + 1;
    while (j < s.length && !isWs(s[j]) && !'{}[]'.includes(s[j] as string) && quoteFamily(s[j]) === undefined) j++;
    out.push(sliceToken('text', s, k, j));
    prevSignificant = s[j - 1] as string;
    k = j;
  }
  return undefined;
}

/** Splits command text into grammar tokens. Never throws: every character lands in some token. */
export function tokenizeCommand(s: string): LexToken[] {
  const out: LexToken[] = [];
  const budget: Budget = { left: GROUP_SCAN_BUDGET };
  let closeDouble: number[] | undefined;
  let closeSingle: number[] | undefined;
  // A bracket can only open a group if a closing bracket of its kind comes later somewhere.
  const lastBrace = s.lastIndexOf('}');
  const lastBrack = s.lastIndexOf(']');
  let k = 0;
  let pieceStart = true;
  while (k < s.length) {
    const ch = s[k] as string;
    if (isWs(ch)) {
      let j = k + 1;
      while (j < s.length && isWs(s[j])) j++;
      out.push(sliceToken('ws', s, k, j));
      k = j;
      pieceStart = true;
      continue;
    }
    if (pieceStart) {
      const family = quoteFamily(ch);
      if (family !== undefined) {
        if (family === DOUBLE && closeDouble === undefined) closeDouble = closeTable(s, DOUBLE);
        if (family === SINGLE && closeSingle === undefined) closeSingle = closeTable(s, SINGLE);
        const table = (family === DOUBLE ? closeDouble : closeSingle) as number[];
        const close = table[k + 1] ?? -1;
        if (close > k) {
          const text = s.slice(k, close + 1);
          out.push({ type: 'str', value: unescapeQuoted(s.slice(k + 1, close), family), text, offset: k });
          k = close + 1;
          pieceStart = false;
          continue;
        }
      } else if ((ch === '{' ? lastBrace > k : ch === '[' && lastBrack > k) && budget.left > 0) {
        const group = scanGroup(s, k, budget);
        if (group !== undefined) {
          out.push(...group);
          const last = group[group.length - 1] as LexToken;
          k = last.offset + 1;
          pieceStart = false;
          continue;
        }
      }
    }
    if (ch === '=') {
      out.push({ type: 'eq', value: '=', text: '=', offset: k });
      k++;
      pieceStart = true;
      continue;
    }
    let j = k + 1;
    while (j < s.length && !isWs(s[j]) && s[j] !== '=') j++;
    out.push(sliceToken('text', s, k, j));
    k = j;
    pieceStart = false;
  }
  return out;
}
