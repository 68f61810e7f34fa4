import { describe, expect, it } from 'vitest';
import { evaluate } from './criteria-helpers.js';

describe('criteria patterns with templates', () => {
  it('renders with trigger in scope and reads the result as JSON', () => {
    expect(evaluate({ 'trigger.a': { type: 'equals', pattern: '{{ trigger.b }}' } }, { a: 3, b: 3 }).passed).toBe(true);
    expect(evaluate({ 'trigger.a': { type: 'equals', pattern: '{{trigger.b}}' } }, { a: 3, b: '3' }).passed).toBe(
      false,
    );
    expect(
      evaluate({ 'trigger.a': { type: 'equals', pattern: '[{{ trigger.b }}, 2]' } }, { a: [1, 2], b: 1 }).passed,
    ).toBe(true);
    expect(
      evaluate({ 'trigger.a': { type: 'equals', pattern: 'pre{{ trigger.b }}' } }, { a: 'pre1', b: 1 }).passed,
    ).toBe(true);
    expect(
      evaluate({ 'trigger.a': { type: 'greaterthan', pattern: '{{ trigger.b + 1 }}' } }, { a: 5, b: 1 }).passed,
    ).toBe(true);
  });

  it('a plain string pattern is never read as JSON', () => {
    expect(evaluate({ 'trigger.a': { type: 'equals', pattern: '1' } }, { a: 1 }).passed).toBe(false);
  });

  it('reads st2kv.system and st2kv.user values, a stored "5" comparing as the number 5', () => {
    const kv = { system: { threshold: '5', prod_host: 'web9' }, user: { mine: 'x' } };
    expect(
      evaluate({ 'trigger.n': { type: 'gt', pattern: '{{ st2kv.system.threshold }}' } }, { n: 7 }, kv).passed,
    ).toBe(true);
    expect(
      evaluate({ 'trigger.n': { type: 'gt', pattern: '{{ st2kv.system.threshold }}' } }, { n: 3 }, kv).passed,
    ).toBe(false);
    expect(
      evaluate({ 'trigger.h': { type: 'neq', pattern: '{{ st2kv.system.prod_host }}' } }, { h: 'web1' }, kv).passed,
    ).toBe(true);
    expect(evaluate({ 'trigger.u': { type: 'equals', pattern: '{{ st2kv.user.mine }}' } }, { u: 'x' }, kv).passed).toBe(
      true,
    );
  });

  it('an undefined name is a render failure: no match, with an error naming the pattern and key', () => {
    const r = evaluate({ 'trigger.a': { type: 'equals', pattern: '{{ trigger.nope }}' } }, { a: 1 });
    expect(r.passed).toBe(false);
    expect(r.error).toMatch(/^Failed to render pattern value "\{\{ trigger\.nope \}\}" for key "trigger\.a": /);
  });

  it('a payload value containing {{ }} is data, never rendered', () => {
    const r = evaluate(
      { 'trigger.a': { type: 'equals', pattern: '{{ trigger.b }}' } },
      { a: '{{ 7*7 }}', b: '{{ 7*7 }}' },
    );
    expect(r.passed).toBe(true);
    expect(r.results[0]?.pattern).toBe('{{ 7*7 }}');
  });
});
