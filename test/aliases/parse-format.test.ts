import { describe, expect, it } from 'vitest';
import { parseFormat } from '../../aliases/parse-format.js';
import { SquallError } from '../../engine/errors.js';

describe('parseFormat', () => {
  it('splits literal text and placeholders, spaces in braces optional', () => {
    expect(parseFormat('run {{cmd}} on {{ hosts = localhost }}')).toEqual({
      source: 'run {{cmd}} on {{ hosts = localhost }}',
      kind: 'template',
      parts: [
        { kind: 'literal', text: 'run ' },
        { kind: 'param', name: 'cmd' },
        { kind: 'literal', text: ' on ' },
        { kind: 'param', name: 'hosts', default: 'localhost' },
      ],
      params: ['cmd', 'hosts'],
    });
  });

  it('keeps defaults as written: words, quoted, JSON, nested {{ }}', () => {
    const d = (f: string): string | undefined => {
      const p = parseFormat(f).parts.find((x) => x.kind === 'param');
      return p?.kind === 'param' ? p.default : undefined;
    };
    expect(d('{{who=hello world}}')).toBe('hello world');
    expect(d("{{who='x y'}}")).toBe('x y');
    expect(d('{{who="x y"}}')).toBe('x y');
    expect(d("{{thing={'key': 'value'}}}")).toBe("{'key': 'value'}");
    expect(d('{{list=[1, 2]}}')).toBe('[1, 2]');
    expect(d('{{ color = {{ colors.default_color }} }}')).toBe('{{ colors.default_color }}');
    expect(d('{{a=}}')).toBe('');
    expect(d('{{eq=a=b}}')).toBe('a=b');
  });

  it('takes extra braces around a placeholder as literal text', () => {
    expect(parseFormat('{{{x}}}').parts).toEqual([
      { kind: 'literal', text: '{' },
      { kind: 'param', name: 'x' },
      { kind: 'literal', text: '}' },
    ]);
    expect(parseFormat('set {a} }}').parts).toEqual([{ kind: 'literal', text: 'set {a} }}' }]);
  });

  it('lists regex named groups as parameters', () => {
    const p = parseFormat('(?P<issue>[A-Z]+-\\d+) by {{who}}');
    expect(p.kind).toBe('regex');
    expect(p.params).toEqual(['who', 'issue']);
  });

  it('throws SQ_ALIAS_INVALID naming the problem', () => {
    for (const bad of ['say {{msg', 'say {{}}', 'say {{ a b }}', 'say {{a}} {{a}}', '(?P<x>\\d+']) {
      try {
        parseFormat(bad);
        expect.fail(`${bad} should be invalid`);
      } catch (e) {
        expect(e).toBeInstanceOf(SquallError);
        expect((e as SquallError).code).toBe('SQ_ALIAS_INVALID');
        expect((e as SquallError).message).toContain(JSON.stringify(bad));
      }
    }
  });
});

describe('parseFormat: StackStorm regex formats with quantified groups', () => {
  it('treats a group followed by a quantifier as a regular expression', () => {
    expect(parseFormat('show host( in {{zone}})? {{name}}').kind).toBe('regex');
    expect(parseFormat('list host(s)*').kind).toBe('regex');
    expect(parseFormat('ping (again ){1,3}{{host}}').kind).toBe('regex');
    expect(parseFormat('say (hello) {{name}}').kind).toBe('template');
  });
});
