import { describe, expect, it } from 'vitest';
import { indentQuotedContinuations, parsePyYaml } from '../../lib/pyyaml.js';

const data = (src: string): unknown => {
  const r = parsePyYaml(src);
  if (!r.ok) throw new Error(r.message);
  return r.data;
};

describe('parsePyYaml: YAML 1.1 as PyYAML reads pack files', () => {
  it('reads yes/no/on/off in three cases as booleans, but y and n as strings', () => {
    expect(data('a: yes\nb: No\nc: ON\nd: off\ne: True\nf: y\ng: n\nh: tRue')).toEqual({
      a: true,
      b: false,
      c: true,
      d: false,
      e: true,
      f: 'y',
      g: 'n',
      h: 'tRue',
    });
  });

  it('reads numbers as PyYAML does: octal 0755, base 60, underscores; 1e3 stays a string', () => {
    expect(data('a: 0755\nb: 1:30\nc: 1_000\nd: 1e3\ne: 1.0e+3\nf: 3.10\ng: 0x1F\nh: .5')).toEqual({
      a: 493,
      b: 90,
      c: 1000,
      d: '1e3',
      e: 1000,
      f: 3.1,
      g: 31,
      h: 0.5,
    });
  });

  it('keeps timestamps as strings (pack content is JSON)', () => {
    expect(data('d: 2014-07-30')).toEqual({ d: '2014-07-30' });
  });

  it('lets the last duplicate key win and merges <<', () => {
    expect(data('a: 1\na: 2\nbase: &b {x: 1}\nm:\n  <<: *b\n  y: 2')).toEqual({
      a: 2,
      base: { x: 1 },
      m: { x: 1, y: 2 },
    });
  });

  it('folds quoted scalars whose continuation lines are not indented under the key', () => {
    const src = "description: \"Checks the\nload average\n  of a host\"\nother: 'it''s\nfolded'\nlast: 1\n";
    expect(data(src)).toEqual({ description: 'Checks the load average of a host', other: "it's folded", last: 1 });
    expect(indentQuotedContinuations('a: "x\ny"')).toBe('a: "x\n  y"');
  });

  it('reports a quote that is never closed with its line', () => {
    const r = parsePyYaml('a: "never closed\nb: 1');
    expect(r.ok).toBe(false);
    expect(r.ok ? undefined : r.line).toBeGreaterThan(0);
  });
});
