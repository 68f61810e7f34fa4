import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../lib/backoff.js';

const low = () => 0;
const high = () => 0.999_999;

describe('backoffDelay', () => {
  it('doubles from the base per attempt and stops at the ceiling', () => {
    const delays = [1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, { baseMs: 50, maxMs: 1000 }));
    expect(delays).toEqual([50, 100, 200, 400, 800, 1000]);
  });

  it('has no ceiling unless given one, and stays finite for any attempt', () => {
    expect(backoffDelay(7, { baseMs: 10 })).toBe(640);
    expect(Number.isFinite(backoffDelay(5000, { baseMs: 10 }))).toBe(true);
    expect(backoffDelay(5000, { baseMs: 10, maxMs: 60_000 })).toBe(60_000);
  });

  it('treats attempt 0 and below as the first', () => {
    expect(backoffDelay(0, { baseMs: 100 })).toBe(100);
    expect(backoffDelay(-3, { baseMs: 100 })).toBe(100);
  });

  it('keeps half of the delay fixed with equal jitter', () => {
    expect(backoffDelay(3, { baseMs: 100, maxMs: 10_000, jitter: 'equal', random: low })).toBe(200);
    expect(backoffDelay(3, { baseMs: 100, maxMs: 10_000, jitter: 'equal', random: high })).toBe(400);
    expect(backoffDelay(9, { baseMs: 100, maxMs: 1000, jitter: 'equal', random: high })).toBe(1000);
  });

  it('spreads the capped delay by a fifth either way with spread jitter', () => {
    expect(backoffDelay(2, { baseMs: 1000, maxMs: 60_000, jitter: 'spread', random: low })).toBe(1600);
    expect(backoffDelay(2, { baseMs: 1000, maxMs: 60_000, jitter: 'spread', random: high })).toBe(2400);
    expect(backoffDelay(20, { baseMs: 1000, maxMs: 60_000, jitter: 'spread', random: high })).toBe(72_000);
  });

  it('answers whole milliseconds', () => {
    for (let i = 0; i < 50; i++) {
      expect(Number.isInteger(backoffDelay(4, { baseMs: 333, jitter: 'spread' }))).toBe(true);
    }
  });
});
