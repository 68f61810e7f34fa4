import type { JsonObject } from '../../../../engine/model/json.js';
import { compileCriteria } from '../../../../engine/rules/criteria/criteria-compile.js';
import { type CriterionResult, evaluateCriteria } from '../../../../engine/rules/criteria/criteria-evaluate.js';

export const NOW = new Date('2024-06-01T12:00:00Z');

/** Evaluates criteria against a payload the way a rule does, explaining each criterion. */
export function evaluate(
  criteria: Record<string, unknown>,
  payload: JsonObject,
  st2kv: Record<string, unknown> = { system: {}, user: {} },
): { passed: boolean; results: CriterionResult[]; error?: string } {
  const c = compileCriteria(criteria);
  if (c.problems.length) throw new Error(c.problems.map((p) => `${p.field}: ${p.problem}`).join('; '));
  return evaluateCriteria(c.criteria, { context: { trigger: payload, st2kv }, env: { now: NOW }, explain: true });
}

/**
 * One operator on `trigger.v`; `value` undefined means the path is missing. A null pattern is written
 * as a template rendering to null (a literal null pattern is refused when the rule is loaded).
 */
export function check(type: string, value: unknown, pattern?: unknown): boolean {
  const payload: JsonObject = value === undefined ? { other: 1 } : ({ v: value } as JsonObject);
  const criterion = pattern === undefined ? { type } : { type, pattern: pattern === null ? '{{ none }}' : pattern };
  return evaluate({ 'trigger.v': criterion }, payload).passed;
}
