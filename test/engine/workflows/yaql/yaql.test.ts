import { describe, expect, it } from 'vitest';
import type { ExpressionContext } from '../../../../engine/workflows/expression-context.js';
import { parseYaql } from '../../../../engine/workflows/yaql/yaql-parse.js';
import { evaluateWorkflowYaql } from '../../../../engine/workflows/yaql/yaql-workflow.js';

const ctx: ExpressionContext = {
  vars: {
    n: 7,
    s: 'a,b,c',
    hosts: [
      { name: 'web1', up: true, cpu: 3 },
      { name: 'web2', up: false, cpu: 5 },
    ],
    d: { a: 1, b: 2 },
    empty: '',
    __state: 'hidden',
  },
  currentTask: { id: 't1', route: 0, status: 'succeeded', result: { stdout: 'ok', code: 0 } },
  item: { value: { host: 'web1' } },
  taskStatus: (name) => (name === 't0' ? 'failed' : 'null'),
};
const y = (e: string, c: ExpressionContext = ctx) => evaluateWorkflowYaql(parseYaql(e), c);

describe('YAQL operators', () => {
  it.each([
    ['7 / 2', 3],
    ['-7 / 2', -4],
    ['7 / 2.5', 2.8],
    ['7 mod 3', 1],
    ['-7 mod 3', 2],
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['-2 * 3', -6],
    ['1 = 1', true],
    ['1 = 1.0', true],
    ['[1, 2] = [1, 2]', true],
    ['1 != 2', true],
    ['2 > 1 and 1 >= 1 and 1 < 2 and 1 <= 1', true],
    ['not 1 = 2', true],
    ['not true or true', true],
    ['false or null', null],
    ['0 and 1', 0],
    ['2 in [1, 2]', true],
    ['a in {a => 1}', true],
    ["'ell' in 'hello'", true],
    ["'abc' =~ '^a'", true],
    ["'abc' !~ '^b'", true],
    ["'a' + 'b'", 'ab'],
    ['[1] + [2]', [1, 2]],
    ["'ab' * 2", 'abab'],
  ])('%s → %j', (e, v) => expect(y(e)).toEqual(v));
});

describe('YAQL data access', () => {
  it.each([
    ['ctx().n', 7],
    ['ctx(n)', 7],
    ["ctx('n')", 7],
    ['ctx().d.a', 1],
    ['ctx().d[b]', 2],
    ['ctx().hosts[1].name', 'web2'],
    ['ctx().hosts[-1].cpu', 5],
    ['ctx().nothing?.x', undefined],
    ['result().stdout', 'ok'],
    ['succeeded()', true],
    ['failed()', false],
    ['completed()', true],
    ['task_status(t0)', 'failed'],
    ['task_status(other)', 'null'],
    ['item(host)', 'web1'],
    ['item().host', 'web1'],
    ['bare_word', 'bare_word'],
    ['{a => [1, "x"], b => null}', { a: [1, 'x'], b: null }],
  ])('%s → %j', (e, v) => {
    if (v === undefined) expect(() => y(e)).toThrow();
    else expect(y(e)).toEqual(v);
  });

  it('hides private keys from ctx()', () => {
    expect(Object.keys(y('ctx()') as object)).not.toContain('__state');
  });
});

describe('YAQL functions', () => {
  it.each([
    ['ctx().d.get(a)', 1],
    ['ctx().d.get(z, 9)', 9],
    ["ctx().s.split(',')", ['a', 'b', 'c']],
    ["'a  b c'.split()", ['a', 'b', 'c']],
    ["'a,b,c'.split(',', 1)", ['a', 'b,c']],
    ["ctx().s.split(',').join('-')", 'a-b-c'],
    ["'-'.join(list(a, b))", 'a-b'],
    ['ctx().hosts.len()', 2],
    ['len(ctx().s)', 5],
    ['str(null) + str(true) + str(1)', 'nulltrue1'],
    ["int('42') + int(2.9)", 44],
    ["float('1.5')", 1.5],
    ['bool(ctx().empty)', false],
    ['coalesce(null, ctx().empty, 3)', ''],
    ['ctx().hosts.select($.name)', ['web1', 'web2']],
    ['ctx().hosts.where($.up).select($.name)', ['web1']],
    ['ctx().hosts.where($.cpu > 10).first(none)', 'none'],
    ['ctx().hosts.first().name', 'web1'],
    ['ctx().hosts.last().name', 'web2'],
    [
      'ctx().d.items()',
      [
        ['a', 1],
        ['b', 2],
      ],
    ],
    ['ctx().d.keys()', ['a', 'b']],
    ['ctx().d.values()', [1, 2]],
    ["'Hi'.toLower() + 'Hi'.toUpper()", 'hiHI'],
    ["'hello'.startsWith(he) and 'hello'.endsWith(lo)", true],
    ['[1, 2].contains(2)', true],
    ["''.isEmpty() and null.isEmpty() and not [1].isEmpty()", true],
    ['ctx().hosts.count()', 2],
    ['[1, 2, 3].sum()', 6],
    ['[3, 1, 2].max() + [3, 1, 2].min()', 4],
    ['max(1, 5)', 5],
    ['list(1, 2)', [1, 2]],
    ['dict(a => 1)', { a: 1 }],
    ['dict([[a, 1], [b, 2]])', { a: 1, b: 2 }],
    ['ctx().hosts.dict($.name, $.cpu)', { web1: 3, web2: 5 }],
    ['switch(ctx().n > 10 => big, ctx().n > 5 => mid, true => small)', 'mid'],
    ["'hello'.substring(1, 3)", 'ell'],
    ["'hello'.substring(-3)", 'llo'],
    ["'a.b.c'.replace('.', '/')", 'a/b/c'],
    ["'a.b.c'.replace('.', '/', 1)", 'a/b.c'],
    ['[1, 2, 1, 3].distinct()', [1, 2, 3]],
    ['range(3)', [0, 1, 2]],
    ['range(1, 7, 2)', [1, 3, 5]],
    ['concat(a, b)', 'ab'],
    ["'{0}:{1} {x}'.format(1, true, x => [1])", '1:True [1]'],
    ['let(x => 2, y => 3) -> $x * $y', 6],
    ['let(ctx().n) -> $1 + 1', 8],
    ['json(\'{"a": [1]}\').a', [1]],
    ["from_json_string('[1]')", [1]],
    ['to_json_string(ctx().d)', '{"a":1,"b":2}'],
  ])('%s → %j', (e, v) => expect(y(e)).toEqual(v));

  it('reads the datastore through st2kv(), with a default', () => {
    const c: ExpressionContext = { vars: {}, st2kv: (k) => (k === 'a' ? 'x' : undefined) };
    expect(y('st2kv(a)', c)).toBe('x');
    expect(y("st2kv('b', default => 'd')", c)).toBe('d');
    expect(() => y('st2kv(b)', c)).toThrow('The key "b" does not exist');
  });
});

describe('YAQL errors', () => {
  it.each([
    ['nope()', 'Unknown function "nope"'],
    ['ctx().n.foo', 'Unknown function "#property#foo"'],
    ['ctx().missing', "Unable to resolve key 'missing'"],
    ['ctx(missing)', 'The variable "missing" is undefined.'],
    ["ctx('__state')", 'The variable "__state" is for internal use and inaccessible.'],
    ['1 / 0', 'division by zero'],
    ["1 + 'a'", 'cannot apply "+" to int and string'],
    ['[1][5]', 'index 5 is out of range'],
    ['result()', ''],
  ])('%s fails: %s', (e, message) => {
    const c: ExpressionContext = e === 'result()' ? { vars: {} } : ctx;
    expect(() => y(e, c)).toThrow(message || 'The current task is not set in the context.');
  });

  it.each(['1 +', 'ctx(', '(1', "'open", 'a b', 'ctx(__state)', '#'])('%s is a syntax error', (e) => {
    expect(() => parseYaql(e)).toThrow();
  });
});
