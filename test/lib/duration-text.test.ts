import { describe, expect, it } from 'vitest';
import { durationText } from '../../lib/duration-text.js';

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
