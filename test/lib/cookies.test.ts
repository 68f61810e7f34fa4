import { describe, expect, it } from 'vitest';
import { parseCookies, serializeCookie } from '../../lib/cookies.js';

describe('parseCookies', () => {
  it('reads name=value pairs, decoding values and keeping the first of a repeated name', () => {
    const c = parseCookies('a=1; b=x%20y; a=2; broken; =nameless; c=%E0%A4%A');
    expect(c.get('a')).toBe('1');
    expect(c.get('b')).toBe('x y');
    expect(c.get('c')).toBe('%E0%A4%A');
    expect(c.has('broken')).toBe(false);
    expect(c.size).toBe(3);
  });

  it('answers an empty map without a header', () => {
    expect(parseCookies(undefined).size).toBe(0);
  });
});

describe('serializeCookie', () => {
  it('is site-wide and SameSite=Strict, with HttpOnly and Secure when asked', () => {
    expect(serializeCookie('s', 'a b', { maxAgeS: 60.7, httpOnly: true, secure: true })).toBe(
      's=a%20b; Path=/; Max-Age=60; SameSite=Strict; HttpOnly; Secure',
    );
    expect(serializeCookie('s', '', { maxAgeS: -5, httpOnly: false, secure: false })).toBe(
      's=; Path=/; Max-Age=0; SameSite=Strict',
    );
  });
});
