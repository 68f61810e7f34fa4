import { describe, expect, it } from 'vitest';
import { durationText, parseDuration } from '../../lib/duration-text.js';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;

describe('durationText', () => {
  it.each([
    [0, '0 ms'],
    [850, '850 ms'],
    [999.4, '999 ms'],
    [999.6, '1.0 s'],
    [12_345, '12.3 s'],
    [59.6 * S, '59.6 s'],
    [59.94 * S, '59.9 s'],
    [59.96 * S, '1 min 00 s'],
    [60 * S, '1 min 00 s'],
    [61 * S, '1 min 01 s'],
    [119.4 * S, '1 min 59 s'],
    [119.6 * S, '2 min 00 s'],
    [245 * S, '4 min 05 s'],
    [59 * MIN + 59.4 * S, '59 min 59 s'],
    [59 * MIN + 59.6 * S, '1 h 00 min 00 s'],
    [H + 2 * MIN + 3 * S, '1 h 02 min 03 s'],
    [26 * H + 0.5 * S, '26 h 00 min 01 s'],
  ])('%d ms reads %s', (ms, text) => {
    expect(durationText(ms)).toBe(text);
  });

  it('is empty for a negative or unknown duration', () => {
    expect(durationText(-1)).toBe('');
    expect(durationText(Number.NaN)).toBe('');
    expect(durationText(Number.POSITIVE_INFINITY)).toBe('');
  });
});

describe('parseDuration', () => {
  it.each([
    [90, 90 * S],
    ['90', 90 * S],
    ['500ms', 500],
    ['45s', 45 * S],
    ['10m', 10 * MIN],
    ['10min', 10 * MIN],
    ['12h', 12 * H],
    ['30d', 30 * 24 * H],
    ['2w', 14 * 24 * H],
    ['1h30m', 90 * MIN],
    ['1h 30m', 90 * MIN],
    [' 1.5h ', 90 * MIN],
    ['0s', 0],
  ] as const)('%j is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([-1, '', 'soon', '10 years', '5x', 'h', '-3s', '1h junk'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
