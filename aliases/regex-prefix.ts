import { walkRegexTokens } from '../lib/regex-tokens.js';

const WORD_CHAR = /^[A-Za-z0-9_-]$/;

/**
 * The first words a regex format's match can start with, lower-cased, when every match starts with one
 * of a few literal words followed by a space: `(?:host|hosts) (?P<t>\S+)` gives ['host', 'hosts'].
 * Undefined when that cannot be read off the pattern's start (the format is then tried on every
 * command). Reads only a leading run of literal characters, optionally after one group of literal
 * alternatives, and gives up on anything else, so it can only be too cautious, never wrong.
 */
export function regexFirstWords(src: string): string[] | undefined {
  const toks: { t: string; kind: string }[] = [];
  let depth = 0;
  let topLevelBar = false;
  walkRegexTokens(src, (t, kind) => {
    toks.push({ t, kind });
    if (kind !== 'char') return;
    if (t === '(') depth++;
    else if (t === ')') depth--;
    else if (t === '|' && depth === 0) topLevelBar = true;
  });
  if (topLevelBar) return undefined;
  let i = 0;
  let branches = [''];
  const at = (k: number): string | undefined => (toks[k]?.kind === 'char' ? toks[k]?.t : undefined);
  const quantified = (k: number): boolean => {
    const q = at(k);
    return q === '?' || q === '*' || q === '+' || q === '{';
  };
  if (at(0) === '(') {
    // One group of literal alternatives: (a|b) or (?:a|b), not quantified.
    i = at(1) === '?' && at(2) === ':' ? 3 : 1;
    branches = [''];
    for (;;) {
      const c = at(i);
      if (c === undefined) return undefined;
      if (c === ')') break;
      if (c === '|') branches.push('');
      else if (WORD_CHAR.test(c) || c === ' ') branches[branches.length - 1] += c;
      else return undefined;
      i++;
    }
    i++;
    if (quantified(i)) return undefined;
  }
  let tail = '';
  for (; at(i) !== undefined && (WORD_CHAR.test(at(i) as string) || at(i) === ' '); i++) {
    if (quantified(i + 1)) break;
    tail += at(i);
    if (at(i) === ' ') break;
  }
  const words: string[] = [];
  for (const b of branches) {
    const text = (b + tail).toLowerCase();
    const space = text.indexOf(' ');
    if (space <= 0) return undefined;
    const word = text.slice(0, space);
    if (!words.includes(word)) words.push(word);
  }
  return words;
}
