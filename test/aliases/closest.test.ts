import { describe, expect, it } from 'vitest';
import { editDistance } from '../../aliases/closest.js';
import { prng } from '../../bench/alias-bench.js';

/** The textbook Levenshtein table, on the first 40 characters of each string as editDistance compares. */
function reference(a: string, b: string): number {
  const s = a.slice(0, 40);
  const t = b.slice(0, 40);
  const d = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => i + j));
  for (let i = 1; i <= s.length; i++)
    for (let j = 1; j <= t.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1));
  return d[s.length]![t.length]!;
}

describe('editDistance', () => {
  it('agrees with the Levenshtein table for short, long and non-ASCII strings', () => {
    const rnd = prng(99);
    const alphabets = ['ab', 'abcdefgh', 'show list get-host_01', 'aé\u201Cx\u{1F600}İ'];
    const word = (abc: string, n: number): string =>
      Array.from({ length: n }, () => abc[Math.floor(rnd() * abc.length)]).join('');
    for (let k = 0; k < 4000; k++) {
      const abc = alphabets[k % alphabets.length] as string;
      const a = word(abc, Math.floor(rnd() * 50));
      const b =
        rnd() < 0.3 ? a.slice(0, Math.floor(rnd() * a.length)) + word(abc, 3) : word(abc, Math.floor(rnd() * 50));
      expect(editDistance(a, b), `${a} / ${b}`).toBe(reference(a, b));
    }
  });

  it('counts edits at the 32-character edge of the fast path', () => {
    const a32 = 'x'.repeat(32);
    expect(editDistance(a32, 'y'.repeat(32))).toBe(32);
    expect(editDistance(a32, `${a32}zz`)).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});
