import { describe, expect, it } from 'vitest';
import { globMatcher } from '../../lib/glob.js';

describe('globMatcher', () => {
  it('matches * as any run of characters and ? as one', () => {
    expect(globMatcher('core.*')('core.local')).toBe(true);
    expect(globMatcher('core.*')('core.')).toBe(true);
    expect(globMatcher('core.*')('corex.local')).toBe(false);
    expect(globMatcher('*.local*')('core.local_sudo')).toBe(true);
    expect(globMatcher('ops.deploy_?')('ops.deploy_a')).toBe(true);
    expect(globMatcher('ops.deploy_?')('ops.deploy_ab')).toBe(false);
  });

  it('takes every other character literally (a dot is not "any character")', () => {
    expect(globMatcher('core.local')('core.local')).toBe(true);
    expect(globMatcher('core.local')('corexlocal')).toBe(false);
    expect(globMatcher('core.local')('core.local2')).toBe(false);
    expect(globMatcher('a+b')('aab')).toBe(false);
    expect(globMatcher('a+b')('a+b')).toBe(true);
  });
});
