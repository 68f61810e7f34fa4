import { describe, expect, it } from 'vitest';
import { walkRegexTokens } from '../../lib/regex-tokens.js';

describe('walkRegexTokens', () => {
  it('yields escapes, whole character classes and single characters with their offsets', () => {
    const seen: [string, string, number][] = [];
    walkRegexTokens('a\\.[^]x\\]]b', (t, kind, at) => seen.push([t, kind, at]));
    expect(seen).toEqual([
      ['a', 'char', 0],
      ['\\.', 'escape', 1],
      ['[^]x\\]]', 'class', 3],
      ['b', 'char', 10],
    ]);
  });
});
