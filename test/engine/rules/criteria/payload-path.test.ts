import { describe, expect, it } from 'vitest';
import { parsePath, resolvePath } from '../../../../engine/rules/criteria/payload-path.js';

const get = (key: string, payload: unknown) => {
  const p = parsePath(key);
  if (typeof p === 'string') throw new Error(p);
  return resolvePath(payload, p.steps);
};

describe('payload paths', () => {
  it('reads dotted names, indexes, quoted keys and wildcards (first match)', () => {
    expect(get('trigger.a.b', { a: { b: 'deep' } })).toEqual({ found: true, value: 'deep' });
    expect(get('trigger.list[0]', { list: ['v1', true] })).toEqual({ found: true, value: 'v1' });
    expect(get('trigger.list[-1]', { list: ['v1', true] })).toEqual({ found: true, value: true });
    expect(get("trigger.headers['X-Header']", { headers: { 'X-Header': 'h' } })).toEqual({ found: true, value: 'h' });
    expect(get('trigger.headers.X-Header', { headers: { 'X-Header': 'h' } })).toEqual({ found: true, value: 'h' });
    expect(get('trigger["a b"]', { 'a b': 1 })).toEqual({ found: true, value: 1 });
    expect(get("trigger.'dotted.key'", { 'dotted.key': 2 })).toEqual({ found: true, value: 2 });
    expect(get('trigger.items[1].n', { items: [{ n: 'x' }, { n: 'y' }] })).toEqual({ found: true, value: 'y' });
    expect(get('trigger.items[*].n', { items: [{ n: 'x' }, { n: 'y' }] })).toEqual({ found: true, value: 'x' });
  });

  it('tells a missing path from a null value, and never throws', () => {
    expect(get('trigger.nullv', { nullv: null })).toEqual({ found: true, value: null });
    expect(get('trigger.list[5]', { list: [1] })).toEqual({ found: false });
    expect(get('trigger.a.b.c', { a: 'text' })).toEqual({ found: false });
    expect(get('trigger.a[0]', { a: { 0: 1 } })).toEqual({ found: false });
    expect(get('trigger.toString', {})).toEqual({ found: false });
  });

  it('ignores the #tag and explains bad keys', () => {
    expect(get('trigger.a#second', { a: 1 })).toEqual({ found: true, value: 1 });
    expect(parsePath('trigger.a[x]')).toMatch(/expected a number, a quoted name or \* inside \[\]/);
    expect(parsePath("trigger['open")).toMatch(/expected a number/);
    expect(parsePath('.a')).toMatch(/must start with a name/);
  });
});
