import { describe, expect, it } from 'vitest';
import { translatePythonRegex, translatePythonReplacement } from '../../lib/python-regex.js';

describe('translatePythonRegex', () => {
  it('spells named groups and back-references the JavaScript way and lists the names', () => {
    const t = translatePythonRegex('(?P<key>[A-Z]+)-(?P=key) (?P<n>\\d+)');
    expect(t.source).toBe('(?<key>[A-Z]+)-\\k<key> (?<n>\\d+)');
    expect(t.groupNames).toEqual(['key', 'n']);
    expect(new RegExp(t.source).exec('AB-AB 12')?.groups).toEqual({ key: 'AB', n: '12' });
  });

  it('turns \\A, \\Z and \\z into anchors but leaves other escapes and classes alone', () => {
    expect(translatePythonRegex('\\Afoo\\Z').source).toBe('^foo$');
    expect(translatePythonRegex('a\\z').source).toBe('a$');
    expect(translatePythonRegex('[\\A(?P<x>]\\(?P<y>').source).toBe('[\\A(?P<x>]\\(?P<y>');
  });

  it('returns leading inline flags as JavaScript flags', () => {
    const t = translatePythonRegex('(?ix)hello');
    expect(t).toEqual({ source: 'hello', flags: 'i', groupNames: [] });
    expect(new RegExp(t.source, t.flags).test('HELLO')).toBe(true);
    expect(translatePythonRegex('(?sm)a.b').flags).toBe('sm');
  });
});

describe('translatePythonReplacement', () => {
  it('maps \\1, \\g<1> and \\g<name>, keeping a literal $', () => {
    expect('ab'.replace(/(?<x>a)(b)/, translatePythonReplacement('\\2\\g<1>-\\g<x>$'))).toBe('ba-a$');
  });
});
