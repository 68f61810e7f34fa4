import { describe, expect, it } from 'vitest';
import { OPERATOR_NAMES } from '../../../../engine/rules/criteria/operator-table.js';
import { check, evaluate } from './criteria-helpers.js';

describe('criteria operators (StackStorm meaning)', () => {
  it('has every StackStorm operator', () => {
    expect([...OPERATOR_NAMES].sort()).toEqual(
      [
        'equals',
        'nequals',
        'iequals',
        'lessthan',
        'greaterthan',
        'contains',
        'ncontains',
        'icontains',
        'incontains',
        'startswith',
        'istartswith',
        'endswith',
        'iendswith',
        'matchwildcard',
        'regex',
        'iregex',
        'matchregex',
        'timediff_lt',
        'timediff_gt',
        'exists',
        'nexists',
        'inside',
        'ninside',
        'search',
      ].sort(),
    );
  });

  it('takes operator names in any case, and the short aliases', () => {
    expect(check('EQUALS', 'a', 'a')).toBe(true);
    expect(check('Equals', 'a', 'a')).toBe(true);
    expect(check('eq', 'a', 'a')).toBe(true);
    expect(check('GT', 5, 3)).toBe(true);
    expect(check('nin', 'x', ['a'])).toBe(true);
  });

  it('equals: Python equality', () => {
    expect(check('equals', 'DOWN', 'DOWN')).toBe(true);
    expect(check('equals', 'down', 'DOWN')).toBe(false);
    expect(check('equals', 1, '1')).toBe(false);
    expect(check('equals', 1, 1.0)).toBe(true);
    expect(check('equals', true, 1)).toBe(true); // Python: True == 1
    expect(check('equals', 0, false)).toBe(true);
    expect(check('equals', [1, { a: 'x' }], [1, { a: 'x' }])).toBe(true);
    expect(check('equals', { a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(check('equals', { a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(check('equals', null, null)).toBe(false); // a null pattern never matches
    expect(check('equals', undefined, 'x')).toBe(false);
  });

  it('nequals has no null guard', () => {
    expect(check('nequals', 'a', 'b')).toBe(true);
    expect(check('nequals', 'a', 'a')).toBe(false);
    expect(check('nequals', undefined, 'x')).toBe(true); // missing vs "x"
    expect(check('nequals', null, null)).toBe(false);
    expect(check('nequals', 'None', null)).toBe(true);
  });

  it('iequals compares strings ignoring case; other types do not match', () => {
    expect(check('iequals', 'Nagios', 'NAGIOS')).toBe(true);
    expect(check('iequals', 'a', 'b')).toBe(false);
    expect(check('iequals', 1, '1')).toBe(false);
    expect(check('iequals', undefined, 'a')).toBe(false);
  });

  it('lessthan / greaterthan: numbers, strings by code point, lists; mixed types do not match', () => {
    expect(check('lessthan', 3, 5)).toBe(true);
    expect(check('lessthan', 5, 5)).toBe(false);
    expect(check('greaterthan', 5.5, 5)).toBe(true);
    expect(check('greaterthan', 1, 0)).toBe(true); // a falsy pattern is still a pattern
    expect(check('lessthan', '10', '9')).toBe(true); // lexicographic
    expect(check('lessthan', [1, 2], [1, 3])).toBe(true);
    expect(check('lessthan', [1], [1, 0])).toBe(true);
    expect(check('lessthan', 1, 'a')).toBe(false);
    expect(check('greaterthan', 'a', 1)).toBe(false);
    expect(check('greaterthan', undefined, 1)).toBe(false);
    expect(check('lessthan', { a: 1 }, { a: 2 })).toBe(false);
  });

  it('contains / ncontains: substring, list element, object key', () => {
    expect(check('contains', 'hello world', 'lo w')).toBe(true);
    expect(check('contains', ['a', 'b'], 'b')).toBe(true);
    expect(check('contains', [1, 2], 1)).toBe(true);
    expect(check('contains', { key: 1 }, 'key')).toBe(true);
    expect(check('contains', { key: 1 }, 'other')).toBe(false);
    expect(check('contains', 'Hello', 'hello')).toBe(false);
    expect(check('contains', undefined, 'x')).toBe(false);
    expect(check('contains', 5, '5')).toBe(false);
    expect(check('contains', 'abc', 1)).toBe(false);
    expect(check('ncontains', 'hello', 'xyz')).toBe(true);
    expect(check('ncontains', ['a'], 'a')).toBe(false);
    // Python raises for `x not in None`: a missing value does not match ncontains either.
    expect(check('ncontains', undefined, 'x')).toBe(false);
    expect(check('ncontains', 'abc', null)).toBe(false);
  });

  it('icontains / incontains: case-insensitive substring on strings only', () => {
    expect(check('icontains', 'Hello World', 'WORLD')).toBe(true);
    expect(check('icontains', 'Hello', 'xyz')).toBe(false);
    expect(check('icontains', ['Hello'], 'hello')).toBe(false);
    expect(check('incontains', 'Hello', 'XYZ')).toBe(true);
    expect(check('incontains', 'Hello', 'HELL')).toBe(false);
    expect(check('incontains', undefined, 'a')).toBe(false);
  });

  it('startswith / endswith and their case-insensitive forms', () => {
    expect(check('startswith', 'prod-web1', 'prod-')).toBe(true);
    expect(check('startswith', 'prod-web1', 'PROD-')).toBe(false);
    expect(check('istartswith', 'prod-web1', 'PROD-')).toBe(true);
    expect(check('endswith', 'web1.example.com', '.com')).toBe(true);
    expect(check('iendswith', 'web1.EXAMPLE.COM', '.example.com')).toBe(true);
    expect(check('endswith', 'abc', '')).toBe(true);
    expect(check('startswith', 12, '1')).toBe(false);
    expect(check('startswith', undefined, 'a')).toBe(false);
  });

  it('matchwildcard: fnmatch over the whole string, case-sensitive', () => {
    expect(check('matchwildcard', 'web-01.prod', 'web-*.prod')).toBe(true);
    expect(check('matchwildcard', 'a/b/c', 'a*c')).toBe(true); // * crosses /
    expect(check('matchwildcard', 'web1', 'web?')).toBe(true);
    expect(check('matchwildcard', 'web12', 'web?')).toBe(false);
    expect(check('matchwildcard', 'webA', 'web[A-C]')).toBe(true);
    expect(check('matchwildcard', 'webA', 'web[!A-C]')).toBe(false);
    expect(check('matchwildcard', 'WEB1', 'web*')).toBe(false);
    expect(check('matchwildcard', 'a.b', 'a?b')).toBe(true);
    expect(check('matchwildcard', 'axb', 'a.b')).toBe(false); // . is literal
    expect(check('matchwildcard', 'a[b', 'a[b')).toBe(true); // unclosed [ is literal
    expect(check('matchwildcard', 5, '*')).toBe(false);
  });

  it('regex searches anywhere; iregex ignores case; matchregex anchors at the start with DOTALL', () => {
    expect(check('regex', 'error: disk full', 'disk\\s+full')).toBe(true);
    expect(check('regex', 'ERROR', 'error')).toBe(false);
    expect(check('iregex', 'ERROR', 'error')).toBe(true);
    expect(check('matchregex', 'abc', 'b')).toBe(false);
    expect(check('matchregex', 'abc', 'a.c')).toBe(true);
    expect(check('matchregex', 'a\nc', 'a.c')).toBe(true);
    expect(check('regex', 'a\nc', 'a.c')).toBe(false);
    expect(check('matchregex', 'abc', 'b|ab')).toBe(true);
    expect(check('regex', 123, '\\d')).toBe(false);
  });

  it('regex patterns are Python-flavoured', () => {
    expect(check('regex', 'host=web1', '(?P<h>web\\d)')).toBe(true);
    expect(check('regex', 'abab', '(?P<x>ab)(?P=x)')).toBe(true);
    expect(check('regex', 'line\n', 'line$')).toBe(true); // Python $ matches before a final newline
    expect(check('regex', 'line\n', 'line\\Z')).toBe(false);
    expect(check('regex', 'xabc', '\\Aabc')).toBe(false);
    expect(check('regex', 'ABC', '(?i)abc')).toBe(true);
  });

  it('timediff_lt / timediff_gt compare the age of a timestamp in seconds (UTC when no zone)', () => {
    // NOW is 2024-06-01T12:00:00Z
    expect(check('timediff_lt', '2024-06-01T11:59:50Z', 60)).toBe(true);
    expect(check('timediff_lt', '2024-06-01 11:59:50', '60')).toBe(true); // naive = UTC, numeric string pattern
    expect(check('timediff_gt', '2024-06-01T11:59:50Z', 60)).toBe(false);
    expect(check('timediff_gt', '2024-06-01T10:00:00+00:00', 3600)).toBe(true);
    expect(check('timediff_lt', '2024-06-01T13:59:50+02:00', 60)).toBe(true); // zone honoured
    expect(check('timediff_lt', '2024-06-02T00:00:00Z', 10)).toBe(true); // the future: negative age
    expect(check('timediff_gt', '2024-06-02T00:00:00Z', 10)).toBe(false);
    expect(check('timediff_lt', '2024-06-01 11:59:50.123456+00:00', 60)).toBe(true);
    expect(check('timediff_lt', 'yesterday', 60)).toBe(false);
    expect(check('timediff_lt', undefined, 60)).toBe(false);
  });

  it('exists / nexists need no pattern; null counts as not existing, 0 and "" exist', () => {
    expect(check('exists', 'x')).toBe(true);
    expect(check('exists', 0)).toBe(true);
    expect(check('exists', '')).toBe(true);
    expect(check('exists', false)).toBe(true);
    expect(check('exists', null)).toBe(false);
    expect(check('exists', undefined)).toBe(false);
    expect(check('nexists', undefined)).toBe(true);
    expect(check('nexists', null)).toBe(true);
    expect(check('nexists', 'x')).toBe(false);
  });

  it('inside / ninside: contains reversed', () => {
    expect(check('inside', 'b', ['a', 'b'])).toBe(true);
    expect(check('inside', 'ell', 'hello')).toBe(true);
    expect(check('inside', 'k', { k: 1 })).toBe(true);
    expect(check('inside', 'z', ['a'])).toBe(false);
    expect(check('inside', 1, 'abc')).toBe(false);
    expect(check('ninside', 'z', ['a'])).toBe(true);
    expect(check('ninside', 'a', ['a'])).toBe(false);
    expect(check('ninside', 'a', null)).toBe(false);
  });

  it('a type mismatch does not throw; the reason says why', () => {
    const r = evaluate({ 'trigger.v': { type: 'lessthan', pattern: 'a' } }, { v: 1 });
    expect(r.passed).toBe(false);
    expect(r.error).toBeUndefined();
    expect(r.results[0]?.reason).toBe('value 1, pattern "a": a number cannot be ordered against a string');
  });
});

describe('search', () => {
  const payload = {
    items: [
      { name: 'a', n: 1 },
      { name: 'b', n: 5 },
    ],
  };
  const pattern = {
    'item.name': { type: 'equals', pattern: 'b' },
    'item.n': { type: 'greaterthan', pattern: 3 },
  };
  const s = (condition: string, p: Record<string, unknown> = pattern, data: unknown = payload.items) =>
    evaluate({ 'trigger.items': { type: 'search', condition, pattern: p } }, { items: data } as never).passed;

  it('any: one item satisfies all nested criteria', () => {
    expect(s('any')).toBe(true);
    expect(s('any', { 'item.name': { type: 'equals', pattern: 'a' }, 'item.n': { type: 'gt', pattern: 3 } })).toBe(
      false,
    );
  });

  it('all: every item satisfies all nested criteria', () => {
    expect(s('all')).toBe(false);
    expect(s('all', { 'item.n': { type: 'greaterthan', pattern: 0 } })).toBe(true);
  });

  it('any2any: one item satisfies one nested criterion; all2any: every item satisfies one', () => {
    const one = { 'item.name': { type: 'equals', pattern: 'a' }, 'item.n': { type: 'equals', pattern: 99 } };
    expect(s('any2any', one)).toBe(true);
    expect(s('all2any', one)).toBe(false);
    const either = { 'item.name': { type: 'equals', pattern: 'a' }, 'item.n': { type: 'equals', pattern: 5 } };
    expect(s('all2any', either)).toBe(true);
  });

  it('treats one object as a list of one, and an empty list as Python does', () => {
    expect(s('any', pattern, { name: 'b', n: 5 })).toBe(true);
    expect(s('all', pattern, [])).toBe(true);
    expect(s('any', pattern, [])).toBe(false);
    expect(s('any', pattern, 'text')).toBe(false);
  });

  it('nested patterns may use #tags and templates on item', () => {
    const p = {
      'item.n#low': { type: 'greaterthan', pattern: 3 },
      'item.n#high': { type: 'lessthan', pattern: '{{ item.n + 1 }}' },
    };
    expect(s('any', p)).toBe(true);
  });

  it('reports a condition StackStorm does not know as a rule problem', () => {
    expect(() => s('some')).toThrow(
      'criteria.trigger.items.condition: must be one of any, all, any2any, all2any for search',
    );
  });
});

describe('criteria as a whole', () => {
  it('ANDs all criteria, and a #tag tests one path twice', () => {
    const criteria = {
      'trigger.n#low': { type: 'greaterthan', pattern: 1 },
      'trigger.n#high': { type: 'lessthan', pattern: 10 },
    };
    expect(evaluate(criteria, { n: 5 }).passed).toBe(true);
    expect(evaluate(criteria, { n: 50 }).passed).toBe(false);
  });

  it('a missing path never throws', () => {
    for (const type of OPERATOR_NAMES.filter((n) => n !== 'search' && !n.startsWith('n') && n !== 'exists')) {
      const pattern = type.startsWith('timediff') ? 10 : 'x';
      expect(evaluate({ 'trigger.a.b[3].c': { type, pattern } }, { a: 1 }).passed).toBe(false);
    }
  });
});
