import { type LexToken, TokenLexer } from '../lib/nearley-token-lexer.js';

/**
 * Tokenizer for alias formats, feeding grammar/format.ne. `{{` opens a placeholder; in a run of three
 * or more `{` the last two open it and the rest are literal, so `{{{x}}}` is `{`, placeholder, `}`.
 * Closing braces stay single: the grammar decides which `}` pair closes a placeholder, so a default such
 * as `{'key': 'value'}` can end right before it (`{{thing={'key': 'value'}}}`).
 */
export const FORMAT_TOKEN_TYPES = ['open', 'lb', 'rb', 'eq', 'ws', 'text'] as const;

export function tokenizeFormat(s: string): LexToken[] {
  const out: LexToken[] = [];
  let k = 0;
  const push = (type: string, start: number, end: number): void => {
    const text = s.slice(start, end);
    out.push({ type, value: text, text, offset: start });
  };
  while (k < s.length) {
    const ch = s[k] as string;
    if (ch === '{') {
      let j = k;
      while (s[j] === '{') j++;
      const run = j - k;
      if (run === 1) push('lb', k, j);
      else {
        for (let b = k; b < j - 2; b++) push('lb', b, b + 1);
        push('open', j - 2, j);
      }
      k = j;
    } else if (ch === '}') {
      push('rb', k, k + 1);
      k++;
    } else if (ch === '=') {
      push('eq', k, k + 1);
      k++;
    } else if (/\s/.test(ch)) {
      let j = k + 1;
      while (j < s.length && /\s/.test(s[j] as string)) j++;
      push('ws', k, j);
      k = j;
    } else {
      let j = k + 1;
      while (j < s.length && !/[\s{}=]/.test(s[j] as string)) j++;
      push('text', k, j);
      k = j;
    }
  }
  return out;
}

export function createFormatLexer(): TokenLexer {
  return new TokenLexer(FORMAT_TOKEN_TYPES, tokenizeFormat);
}

/** The lexer named in the grammar file (nearleyc needs one); parse-format.ts passes a fresh one instead. */
export const formatLexer = createFormatLexer();
