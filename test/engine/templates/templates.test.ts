import { describe, expect, it } from 'vitest';
import { SquallError } from '../../../engine/errors.js';
import { renderDeep, renderTemplate, renderValue } from '../../../engine/templates/templates.js';

function templateError(fn: () => unknown): SquallError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SquallError);
    expect((e as SquallError).code).toBe('SQ_TEMPLATE');
    return e as SquallError;
  }
  throw new Error('expected a template error');
}

const execution = { id: 'e1', status: 'succeeded', result: { stdout: 'hi', return_code: 0, hosts: { a: 1, b: 2 } } };

describe('renderTemplate', () => {
  it('renders Jinja with nested lookups, loops and conditionals', () => {
    expect(
      renderTemplate('{{ execution.id }} {% if execution.status == "succeeded" %}ok{% endif %}', { execution }),
    ).toBe('e1 ok');
    expect(
      renderTemplate('{% for k, v in execution.result.hosts | items %}{{ k }}={{ v }};{% endfor %}', { execution }),
    ).toBe('a=1;b=2;');
  });

  it('supports the Python string methods StackStorm content uses', () => {
    expect(renderTemplate('{{ s.split(",")[1].strip().upper() }}', { s: 'a, b' })).toBe('B');
  });

  it('renders undefined variables as empty by default, even deep ones', () => {
    expect(renderTemplate('[{{ nope }}][{{ execution.result.missing.deeper }}]', { execution })).toBe('[][]');
  });

  it('fails on undefined variables in strict mode, with a one-line message naming the template', () => {
    const err = templateError(() => renderTemplate('Running {{ cmd }}', {}, { strict: true }));
    expect(err.message).toBe('Cannot render "Running {{ cmd }}": undefined value (in <string>:1)');
  });

  it('reports syntax errors without minijinja debug dump or stack', () => {
    const err = templateError(() => renderTemplate('{{ 1 + }}', {}));
    expect(err.message).toBe(
      'Cannot render "{{ 1 + }}": syntax error: unexpected end of variable block (in <string>:1)',
    );
    expect(err.message).not.toContain('\n');
  });

  it('returns text without template markup unchanged', () => {
    expect(renderTemplate('plain {text}', {})).toBe('plain {text}');
  });

  it('cannot call functions or reach objects placed in the context', () => {
    const ctx = { f: () => 'called', o: { g: () => 'called', proc: process, when: new Date(0) } };
    expect(renderTemplate('[{{ f }}][{{ o.g }}][{{ o.proc.env }}][{{ o.when }}]', ctx)).toBe(
      '[][][][1970-01-01T00:00:00.000Z]',
    );
    expect(templateError(() => renderTemplate('{{ f() }}', ctx)).message).toContain('Cannot render "{{ f() }}"');
  });

  it('stops a runaway template instead of hanging', () => {
    const err = templateError(() =>
      renderTemplate('{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}', {}),
    );
    expect(err.message).toContain('fuel');
  });
});

describe('renderValue', () => {
  it('returns native values for a whole expression', () => {
    expect(renderValue('{{ n + 1 }}', { n: 41 })).toBe(42);
    expect(renderValue('{{ execution.result }}', { execution })).toEqual(execution.result);
    expect(renderValue('{{ [1, none, true] }}', {})).toEqual([1, null, true]);
    expect(renderValue('  {{ flag }}\n', { flag: false })).toBe(false);
  });

  it('renders a string when the expression is not alone', () => {
    expect(renderValue('n={{ n }}', { n: 1 })).toBe('n=1');
    expect(renderValue('{{ a }}{{ b }}', { a: 1, b: 2 })).toBe('12');
  });

  it('gives null for an undefined value, or an error in strict mode', () => {
    expect(renderValue('{{ nope }}', {})).toBeNull();
    expect(templateError(() => renderValue('{{ nope }}', {}, { strict: true })).message).toBe(
      'Cannot render "{{ nope }}": undefined value (in <string>:1)',
    );
    expect(renderValue('{{ none }}', {}, { strict: true })).toBeNull();
  });
});

describe('renderDeep', () => {
  it('renders every string inside objects and arrays, keeping keys and other values', () => {
    expect(renderDeep({ '{{ k }}': '{{ n }}', list: ['x{{ n }}', 3], flag: true }, { n: 7, k: 'key' })).toEqual({
      '{{ k }}': 7,
      list: ['x7', 3],
      flag: true,
    });
  });
});

describe('StackStorm filters', () => {
  it('to_json_string and to_yaml_string', () => {
    // minijinja hands mappings over with their keys sorted.
    expect(renderTemplate('{{ v | to_json_string }}', { v: { b: [1, 'x'], a: null } })).toBe('{"a":null,"b":[1,"x"]}');
    expect(renderTemplate('{{ v | to_json_string(2, true) }}', { v: { b: 1, a: 2 } })).toBe(
      '{\n  "a": 2,\n  "b": 1\n}',
    );
    expect(renderTemplate('{{ v | to_yaml_string }}', { v: { a: [1, 2] } })).toBe('a:\n  - 1\n  - 2\n');
  });

  it('json_escape', () => {
    expect(renderTemplate('"{{ s | json_escape }}"', { s: 'say "hi"\n\\' })).toBe('"say \\"hi\\"\\n\\\\"');
  });

  it('regex_match anchors at the start like Python re.match; regex_replace takes Python back-references', () => {
    expect(renderValue('{{ "abc" | regex_match("b") }}', {})).toBe(false);
    expect(renderValue('{{ "abc" | regex_match("a.") }}', {})).toBe(true);
    expect(
      renderTemplate('{{ s | regex_replace("(?P<w>\\\\w+)@(\\\\w+)", "\\\\2 at \\\\g<w>") }}', { s: 'me@host' }),
    ).toBe('host at me');
    expect(renderTemplate('{{ "a.b" | regex_replace("\\\\.", "$") }}', {})).toBe('a$b');
  });

  it('reports a failing filter as a template error, and the engine keeps working afterwards', () => {
    const err = templateError(() => renderTemplate('{{ "x" | regex_match("(") }}', {}));
    expect(err.message).toBe(
      'Cannot render "{{ \\"x\\" | regex_match(\\"(\\") }}": filter regex_match: Invalid regular expression: /(/y: Unterminated group',
    );
    expect(renderTemplate('{{ 1 + 1 }}', {})).toBe('2');
  });
});
