import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asSquallError, codes, SquallError } from '../../engine/errors.js';

describe('error catalogue', () => {
  const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'errors.md'), 'utf8');

  it('documents every code with its HTTP status in docs/errors.md', () => {
    for (const [code, { status }] of Object.entries(codes)) {
      expect(doc, `${code} missing from docs/errors.md`).toMatch(new RegExp(`\\| \`${code}\` \\| ${status} \\|`));
    }
  });

  it('wraps unknown errors as SQ_INTERNAL and keeps SquallErrors as they are', () => {
    const e = new SquallError('SQ_NOT_FOUND', 'nope');
    expect(asSquallError(e)).toBe(e);
    const wrapped = asSquallError(new TypeError('boom'));
    expect(wrapped.code).toBe('SQ_INTERNAL');
    expect(wrapped.status).toBe(500);
    expect(wrapped.cause).toBeInstanceOf(TypeError);
  });
});
