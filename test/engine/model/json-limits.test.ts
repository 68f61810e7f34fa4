import { describe, expect, it } from 'vitest';
import { JSON_LIMITS, jsonLimitProblem } from '../../../engine/model/json-limits.js';

/** `{"a": {"a": ... {}}}` with `levels` objects. */
function nested(levels: number): Record<string, unknown> {
  let v: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) v = { a: v };
  return v;
}

describe('JSON limits on stored values', () => {
  it('accepts a value exactly as deep as the limit and refuses one level more, naming the path', () => {
    expect(jsonLimitProblem(nested(JSON_LIMITS.maxDepth), 'context')).toBeUndefined();
    const problem = jsonLimitProblem({ ok: 1, env: nested(JSON_LIMITS.maxDepth) }, 'parameters');
    expect(problem).toMatch(/^parameters\.env\.a\.a.*: nested deeper than 64 levels of objects and arrays$/);
  });

  it('counts arrays as levels and names array indexes', () => {
    let v: unknown = [];
    for (let i = 1; i < 1000; i++) v = [0, v];
    expect(jsonLimitProblem({ list: v }, 'context')).toMatch(/^context\.list\[1\]\[1\].*nested deeper than 64/);
  });

  it('keeps the path in the message short however deep and long-keyed the value is', () => {
    let v: Record<string, unknown> = {};
    for (let i = 0; i < 5000; i++) v = { ['k'.repeat(500)]: v };
    const problem = jsonLimitProblem(v, 'context')!;
    expect(problem.length).toBeLessThan(250);
    expect(problem).toContain('nested deeper than 64');
  });

  it('refuses a value larger than the size limit', () => {
    expect(jsonLimitProblem({ blob: 'x'.repeat(JSON_LIMITS.maxBytes) }, 'context')).toMatch(
      /^context: \d+ bytes as JSON, more than the 1048576/,
    );
    expect(jsonLimitProblem('plain', 'parameters.cmd')).toBeUndefined();
  });
});
