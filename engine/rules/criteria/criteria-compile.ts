import type { KvRefs } from '../../datastore/kv-template-context.js';
import { collectKvRefs, emptyKvRefs } from '../../datastore/kv-template-context.js';
import type { RuleCriteria } from '../../model/rule.js';
import {
  lookupOperator,
  OPERATOR_NAMES,
  type OperatorSpec,
  SEARCH_CONDITIONS,
  type SearchCondition,
} from './operator-table.js';
import { isTemplate } from './pattern-render.js';
import { type PayloadPath, parsePath } from './payload-path.js';
import { compilePyRegex } from './py-regex.js';

/** A criterion checked and prepared once, when the rule is loaded. */
export interface CompiledCriterion {
  /** The key as written, `#tag` included. */
  key: string;
  path: PayloadPath;
  op: OperatorSpec;
  /** The pattern as written. */
  pattern: unknown;
  /** The pattern is a string template, rendered for each event. */
  templated: boolean;
  condition?: SearchCondition;
  /** The nested criteria of `search`, keyed on `item`. */
  children?: CompiledCriterion[];
}

export interface CriteriaProblem {
  field: string;
  problem: string;
}

export interface CompiledCriteria {
  criteria: CompiledCriterion[];
  /** Datastore keys the patterns name (read before each evaluation). */
  kvRefs: KvRefs;
  problems: CriteriaProblem[];
}

/**
 * Checks and prepares a rule's criteria. Every problem is reported, each as `field: problem` with
 * the field `criteria.<key>.<type|pattern|condition>`.
 */
export function compileCriteria(
  criteria: RuleCriteria | Record<string, unknown>,
  root = 'trigger',
  field = 'criteria',
): CompiledCriteria {
  const out: CompiledCriteria = { criteria: [], kvRefs: emptyKvRefs(), problems: [] };
  for (const [key, raw] of Object.entries(criteria)) {
    const at = `${field}.${key}`;
    const problem = (sub: string, text: string) => out.problems.push({ field: `${at}${sub}`, problem: text });
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problem('', 'must be a mapping with type and pattern');
      continue;
    }
    const entry = raw as { type?: unknown; pattern?: unknown; condition?: unknown };
    const path = parsePath(key);
    if (typeof path === 'string') {
      problem('', `is not a payload path: ${path}`);
      continue;
    }
    if (path.root !== root) {
      problem('', `must start with "${root}" (e.g. ${root}.name)`);
      continue;
    }
    if (typeof entry.type !== 'string' || entry.type.trim() === '') {
      problem('.type', 'is required (an operator such as equals)');
      continue;
    }
    const op = lookupOperator(entry.type);
    if (!op) {
      problem('.type', `unknown operator "${entry.type}" (operators: ${OPERATOR_NAMES.join(', ')})`);
      continue;
    }
    const pattern = entry.pattern;
    const templated = typeof pattern === 'string' && isTemplate(pattern);
    if (templated) collectKvRefs(pattern as string, out.kvRefs);
    const compiled: CompiledCriterion = { key, path, op, pattern, templated };

    if (op.kind === 'search') {
      const condition = typeof entry.condition === 'string' ? entry.condition.trim().toLowerCase() : undefined;
      if (!condition || !(SEARCH_CONDITIONS as readonly string[]).includes(condition)) {
        problem('.condition', `must be one of ${SEARCH_CONDITIONS.join(', ')} for search`);
        continue;
      }
      if (typeof pattern !== 'object' || pattern === null || Array.isArray(pattern) || !Object.keys(pattern).length) {
        problem('.pattern', 'must be a mapping of criteria on item (e.g. item.name: {type: equals, pattern: x})');
        continue;
      }
      const nested = compileCriteria(pattern as Record<string, unknown>, 'item', `${at}.pattern`);
      out.problems.push(...nested.problems);
      mergeRefs(out.kvRefs, nested.kvRefs);
      compiled.condition = condition as SearchCondition;
      compiled.children = nested.criteria;
      out.criteria.push(compiled);
      continue;
    }
    if (op.pattern === 'required' && (pattern === undefined || pattern === null)) {
      problem('.pattern', `is required for ${op.name}`);
      continue;
    }
    if (!templated && op.regexFlags !== undefined) {
      if (typeof pattern !== 'string') {
        problem('.pattern', `must be a string (a regular expression) for ${op.name}`);
        continue;
      }
      const re = compilePyRegex(pattern, op.regexFlags);
      if (typeof re === 'string') {
        problem('.pattern', `is not a valid regular expression: ${re}`);
        continue;
      }
    }
    if (
      !templated &&
      op.name.startsWith('timediff') &&
      typeof pattern !== 'number' &&
      !/^\s*[\d.]+\s*$/.test(String(pattern))
    ) {
      problem('.pattern', `must be a number of seconds for ${op.name}`);
      continue;
    }
    out.criteria.push(compiled);
  }
  return out;
}

function mergeRefs(into: KvRefs, from: KvRefs): void {
  for (const k of from.system) into.system.add(k);
  for (const k of from.user) into.user.add(k);
  into.dynamicSystem ||= from.dynamicSystem;
  into.dynamicUser ||= from.dynamicUser;
}
