import { SquallError } from '../../errors.js';
import type { CompiledCriterion } from './criteria-compile.js';
import type { OperatorEnv } from './operator-types.js';
import { renderPattern } from './pattern-render.js';
import { resolvePath } from './payload-path.js';
import type { Verdict } from './py-values.js';

/** What one criterion decided, and (when explaining) why. */
export interface CriterionResult {
  key: string;
  operator: string;
  passed: boolean;
  /** The path was present in the payload (a JSON null counts as present). */
  found: boolean;
  value: unknown;
  /** The pattern after rendering. */
  pattern: unknown;
  /** Why it passed or failed, for `squall rule test` (only filled when explaining). */
  reason?: string;
  /**
   * The criterion itself is broken for this event (its pattern could not be rendered, a rendered regex
   * is invalid): StackStorm records a failed enforcement for this, not just a non-match.
   */
  error?: string;
}

export interface CriteriaOutcome {
  passed: boolean;
  /** One per criterion evaluated; all of them when explaining, else up to the first that failed. */
  results: CriterionResult[];
  /** The first criterion error, phrased for an enforcement's failure reason. */
  error?: string;
}

/** What patterns are rendered with and paths resolved against. */
export interface CriteriaScope {
  /** `trigger`, `st2kv`, and `item` inside `search`. */
  context: Record<string, unknown>;
  decrypt?: (stored: string) => string;
  env: OperatorEnv;
  /** Build reasons and evaluate every criterion instead of stopping at the first failure. */
  explain: boolean;
}

/**
 * Evaluates criteria in order (all must hold). Never throws: a missing path, a type that does not fit
 * and a broken template all make the criterion fail, the last with `error` set.
 */
export function evaluateCriteria(criteria: readonly CompiledCriterion[], scope: CriteriaScope): CriteriaOutcome {
  const out: CriteriaOutcome = { passed: true, results: [] };
  for (const c of criteria) {
    const r = evaluateOne(c, scope);
    out.results.push(r);
    if (!r.passed) {
      out.passed = false;
      if (r.error !== undefined && out.error === undefined) out.error = r.error;
      if (!scope.explain) break;
    }
  }
  return out;
}

function evaluateOne(c: CompiledCriterion, scope: CriteriaScope): CriterionResult {
  const resolved = resolvePath(scope.context[c.path.root], c.path.steps);
  const value = resolved.found ? resolved.value : null;
  const result: CriterionResult = {
    key: c.key,
    operator: c.op.name,
    passed: false,
    found: resolved.found,
    value,
    pattern: c.pattern,
  };

  let pattern: unknown = c.pattern;
  if (c.templated) {
    try {
      pattern = renderPattern(c.pattern as string, scope.context, scope.decrypt);
    } catch (e) {
      const cause = e instanceof SquallError ? e.message : String(e);
      result.error = `Failed to render pattern value ${JSON.stringify(c.pattern)} for key "${c.key}": ${cause}`;
      if (scope.explain) result.reason = result.error;
      return result;
    }
    result.pattern = pattern;
  }

  if (c.op.kind === 'search') return search(c, value, result, scope);

  if (c.op.pattern === 'required' && (pattern === null || pattern === undefined)) {
    if (scope.explain) result.reason = 'the pattern is null, which never matches';
    return result;
  }
  const verdict: Verdict = c.op.test(value, pattern, scope.env);
  if (typeof verdict === 'boolean') {
    result.passed = verdict;
  } else if (verdict.mismatch.startsWith('invalid regular expression')) {
    result.error = `Criterion "${c.key}": ${verdict.mismatch}`;
  }
  if (scope.explain) result.reason = explain(c, result, verdict);
  return result;
}

function search(c: CompiledCriterion, value: unknown, result: CriterionResult, scope: CriteriaScope): CriterionResult {
  // StackStorm's "single payload mode": one object is a list of one.
  const items = Array.isArray(value) ? value : typeof value === 'object' && value !== null ? [value] : undefined;
  if (!items) {
    if (scope.explain) result.reason = result.found ? `${describe(value)} is not a list` : 'the path is missing';
    return result;
  }
  const children = c.children ?? [];
  const needAll = c.condition === 'any' || c.condition === 'all';
  let satisfied = 0;
  for (const item of items) {
    const itemScope: CriteriaScope = { ...scope, context: { ...scope.context, item }, explain: false };
    let ok = needAll;
    for (const child of children) {
      const r = evaluateOne(child, itemScope);
      if (r.error !== undefined) {
        result.error = r.error;
        if (scope.explain) result.reason = r.error;
        return result;
      }
      if (needAll && !r.passed) {
        ok = false;
        break;
      }
      if (!needAll && r.passed) {
        ok = true;
        break;
      }
    }
    if (ok) satisfied++;
  }
  const everyItem = c.condition === 'all' || c.condition === 'all2any';
  result.passed = everyItem ? satisfied === items.length : satisfied > 0;
  if (scope.explain) {
    const what = needAll ? 'all nested criteria' : 'at least one nested criterion';
    result.reason = `${satisfied} of ${items.length} item(s) satisfy ${what} (condition ${c.condition})`;
  }
  return result;
}

function explain(c: CompiledCriterion, r: CriterionResult, verdict: Verdict): string {
  const shown = r.found ? `value ${describe(r.value)}` : 'the path is missing';
  const withPattern =
    c.op.kind === 'simple' && c.op.pattern === 'ignored' ? shown : `${shown}, pattern ${describe(r.pattern)}`;
  return typeof verdict === 'boolean' ? withPattern : `${withPattern}: ${verdict.mismatch}`;
}

/** A value as JSON, cut short: reasons are one line. */
export function describe(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 120 ? `${s.slice(0, 119)}…` : s;
}
