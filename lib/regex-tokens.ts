/** What one top-level token of a regular-expression source is. */
export type RegexTokenKind = 'escape' | 'class' | 'char';

/**
 * Calls `visit` for each token of a regex source: a backslash escape, a whole character class, or one
 * character. Enough structure to find anchors, groups and quantifiers without a full regex parser.
 */
export function walkRegexTokens(src: string, visit: (token: string, kind: RegexTokenKind, at: number) => void): void {
  let k = 0;
  while (k < src.length) {
    const ch = src[k] as string;
    if (ch === '\\') {
      visit(src.slice(k, k + 2), 'escape', k);
      k += 2;
    } else if (ch === '[') {
      let j = k + 1;
      if (src[j] === '^') j++;
      if (src[j] === ']') j++;
      while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1;
      visit(src.slice(k, j + 1), 'class', k);
      k = j + 1;
    } else {
      visit(ch, 'char', k);
      k++;
    }
  }
}
