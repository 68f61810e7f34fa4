import { describe, expect, it } from 'vitest';
import type { ExpressionContext } from '../../../engine/workflows/expression-context.js';
import { renderDefinition, renderString, scanExpressions } from '../../../engine/workflows/expressions.js';
import { pyStr } from '../../../engine/workflows/python-str.js';

const ctx: ExpressionContext = {
  vars: { n: 3, ok: true, none: null, d: { k: 1 }, l: ['a', 1], msg: "it's" },
  currentTask: { id: 't', route: 0, status: 'succeeded', result: { v: 1 } },
  st2kv: (k) => (k === 'system.x' ? 'kv' : undefined),
  where: { task: 'task1' },
};

describe('native values and text', () => {
  it.each([
    ['<% ctx().n %>', 3],
    ['<% ctx().d %>', { k: 1 }],
    ['{{ ctx().n + 1 }}', 4],
    ['{{ ctx("d") }}', { k: 1 }],
    ['{{ succeeded() }}', true],
    ['{{ result().v }}', 1],
    ['{{ st2kv("system.x") }}', 'kv'],
    [' <% ctx().n %>', ' 3'],
    ['n=<% ctx().n %> ok=<% ctx().ok %> none=<% ctx().none %>', 'n=3 ok=True none=None'],
    ['d=<% ctx().d %> l=<% ctx().l %>', "d={'k': 1} l=['a', 1]"],
    ['{{ ctx().ok }} and {{ ctx().d }}', "True and {'k': 1}"],
    ['{% if ctx().n > 2 %}big{% else %}small{% endif %}', 'big'],
    ['no expressions', 'no expressions'],
  ])('%s → %j', (s, v) => expect(renderString(s, ctx)).toEqual(v));

  it('stringifies like Python str()', () => {
    expect(pyStr([true, null, 1.5, "it's", { a: 'x' }])).toBe(`[True, None, 1.5, "it's", {'a': 'x'}]`);
  });

  it('renders dicts (keys too) and lists of the definition', () => {
    expect(renderDefinition({ '<% ctx().l[0] %>': ['<% ctx().n %>', 'x'] }, ctx)).toEqual({ a: [3, 'x'] });
  });

  it('never evaluates what an expression returns', () => {
    const c: ExpressionContext = { vars: { evil: '<% ctx().secret %>', evil2: '{{ ctx("secret") }}', secret: 's' } };
    expect(renderString('<% ctx().evil %>', c)).toBe('<% ctx().secret %>');
    expect(renderString('{{ ctx().evil2 }}', c)).toBe('{{ ctx("secret") }}');
    expect(renderString('x <% ctx().evil %>', c)).toBe('x <% ctx().secret %>');
  });

  it('evaluates only YAQL when both languages appear', () => {
    expect(scanExpressions('<% 1 %> {{ 2 }}').mixed).toBe(true);
    expect(renderString('<% 1 %> {{ 2 }}', ctx)).toBe('1 {{ 2 }}');
  });
});

describe('errors name the expression and the task', () => {
  it.each([
    [
      '<% nope() %>',
      'Unable to evaluate expression \'<% nope() %>\'. NoFunctionRegisteredException: Unknown function "nope"',
    ],
    ['<% ctx().missing %>', "Unable to resolve key 'missing' in expression '<% ctx().missing %>' from context."],
    ['<% ctx(missing) %>', 'VariableUndefinedError: The variable "missing" is undefined.'],
    ['<% 1 + %>', "YaqlGrammarException: Unable to parse expression '<% 1 + %>'"],
    ['{{ ctx().missing }}', "JinjaEvaluationException: Unable to evaluate expression '{{ ctx().missing }}'"],
    ['{{ ctx("missing") }}', 'The variable "missing" is undefined.'],
    ['{{ nope() }}', 'nope'],
  ])('%s', (s, message) => {
    expect(() => renderString(s, ctx)).toThrow(message);
    expect(() => renderString(s, ctx)).toThrow('(task "task1")');
  });
});
