import { describe, expect, it } from 'vitest';
import { PasswordThrottle } from '../../../engine/auth/password-throttle.js';

describe('PasswordThrottle', () => {
  it('frees a user again once the failures age out of the window, and a success clears the count', () => {
    let now = 1_000_000;
    const t = new PasswordThrottle({ perUser: 3, perAddress: 100, windowS: 60, now: () => now });
    for (let i = 0; i < 3; i++) t.recordFailure('alice', 'a');
    expect(t.retryAfterS('alice', 'b')).toBe(60);
    now += 30_000;
    expect(t.retryAfterS('alice', 'b')).toBe(30);
    now += 30_001;
    expect(t.retryAfterS('alice', 'b')).toBe(0);
    t.recordFailure('bob', 'a');
    t.recordSuccess('bob');
    t.recordFailure('bob', 'a');
    t.recordFailure('bob', 'a');
    expect(t.retryAfterS('bob', 'a')).toBe(0);
  });
});
