import { type LexToken, TokenLexer } from '../../../lib/nearley-token-lexer.js';
import { YaqlSyntaxError } from './yaql-errors.js';

/**
 * Tokenizer for YAQL expressions, feeding grammar/yaql.ne. It follows yaql's lexical rules
 * (yaql/language/lexer.py): three quote styles with backslash escapes, `$name` variables, numbers as
 * int or float, keyword operators, and bare identifiers, which the grammar turns into strings.
 */
export const YAQL_TOKEN_TYPES = ['num', 'str', 'ident', 'dollar', 'kw', 'op'] as const;

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'mod', 'true', 'false', 'null']);
/** Longest first, so `->` wins over `-` and `!=` over `!`. */
const OPERATORS = ['->', '=>', '=~', '!~', '!=', '>=', '<=', '?.', '=', '<', '>', '+', '-', '*', '/', '.', ','];
const BRACKETS = '()[]{}';
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f' };

export function tokenizeYaql(s: string): LexToken[] {
  const out: LexToken[] = [];
  let k = 0;
  while (k < s.length) {
    const ch = s[k] as string;
    if (/\s/.test(ch)) {
      k++;
      continue;
    }
    const start = k;
    if (/\d/.test(ch)) {
      const m = /^\d+(\.\d+)?/.exec(s.slice(k)) as RegExpExecArray;
      out.push({ type: 'num', value: m[0], text: m[0], offset: start });
      k += m[0].length;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') {
      let value = '';
      k++;
      while (k < s.length && s[k] !== ch) {
        if (s[k] === '\\' && k + 1 < s.length) {
          const e = s[k + 1] as string;
          value += ESCAPES[e] ?? e;
          k += 2;
        } else value += s[k++];
      }
      if (k >= s.length) throw new YaqlSyntaxError(`unterminated string starting at offset ${start}`);
      k++;
      out.push({ type: 'str', value, text: s.slice(start, k), offset: start });
      continue;
    }
    if (ch === '$') {
      const m = /^\$\w*/.exec(s.slice(k)) as RegExpExecArray;
      out.push({ type: 'dollar', value: m[0].slice(1), text: m[0], offset: start });
      k += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_]\w*/.exec(s.slice(k)) as RegExpExecArray;
      const word = m[0];
      // yaql reserves `__` names; orquesta relies on it so that `ctx(__state)` cannot reach internals.
      if (word.startsWith('__')) throw new YaqlSyntaxError(`illegal identifier "${word}" at offset ${start}`);
      out.push({ type: KEYWORDS.has(word) ? 'kw' : 'ident', value: word, text: word, offset: start });
      k += word.length;
      continue;
    }
    if (BRACKETS.includes(ch)) {
      out.push({ type: 'op', value: ch, text: ch, offset: start });
      k++;
      continue;
    }
    const op = OPERATORS.find((o) => s.startsWith(o, k));
    if (op === undefined) throw new YaqlSyntaxError(`unexpected character ${JSON.stringify(ch)} at offset ${start}`);
    out.push({ type: 'op', value: op, text: op, offset: start });
    k += op.length;
  }
  return out;
}

/** A fresh lexer per parse: nearley keeps a reference to it while parsing. */
export function createYaqlLexer(): TokenLexer {
  return new TokenLexer(YAQL_TOKEN_TYPES, tokenizeYaql);
}

/** The lexer named in the grammar file (nearleyc needs one); yaql-parse.ts passes a fresh one instead. */
export const yaqlLexer = createYaqlLexer();
