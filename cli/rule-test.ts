import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { KeyLookup } from '../engine/datastore/kv-lookup.js';
import { loadKvContext } from '../engine/datastore/kv-template-context.js';
import type { JsonObject } from '../engine/model/json.js';
import type { Rule } from '../engine/model/rule.js';
import { buildRule } from '../engine/rules/build-rule.js';
import { compileCriteria } from '../engine/rules/criteria/criteria-compile.js';
import { type CriterionResult, evaluateCriteria } from '../engine/rules/criteria/criteria-evaluate.js';
import {
  actionParameterKvRefs,
  type RenderedParameters,
  renderActionParameters,
} from '../engine/rules/render-action-parameters.js';
import { usageError } from './cli-error.js';

export interface RuleTestInput {
  rulePath: string;
  payloadPath: string;
  /** The trigger type the payload came from; absent means the rule's own. */
  triggerType?: string;
  /** A YAML/JSON file standing in for the datastore: `{system: {k: v}, user: {k: v}}` or a flat `{k: v}` (system). */
  kvPath?: string;
  now?: Date;
}

/** What `squall rule test` found; `matched` decides the exit code. */
export interface RuleTestReport {
  rule: string;
  triggerType: string;
  matched: boolean;
  criteria: CriterionResult[];
  /** The action and the parameters it would get (rendered even when the rule does not match, to check them). */
  action: { ref: string; parameters: RenderedParameters };
  notes: string[];
}

/**
 * Evaluates a rule file against a payload file, locally: nothing runs, no server is asked.
 *
 * @throws CliError (exit 2) for unreadable files or an invalid rule, naming each `field: problem`
 */
export async function testRuleFiles(input: RuleTestInput): Promise<RuleTestReport> {
  const ruleData = await readData(input.rulePath, 'rule');
  const { rule, problems } = buildRule(ruleData);
  const errors = problems.filter((p) => p.severity !== 'warning');
  if (!rule || errors.length) {
    const list = errors.map((p) => (p.field ? `${p.field}: ${p.problem}` : p.problem)).join('\n  ');
    throw usageError(`invalid rule ${input.rulePath}:\n  ${list}`);
  }
  const payloadData = await readData(input.payloadPath, 'payload');
  if (payloadData !== null && (typeof payloadData !== 'object' || Array.isArray(payloadData))) {
    throw usageError(
      `payload ${input.payloadPath} must be a mapping (the trigger payload), not a ${kind(payloadData)}`,
    );
  }
  const payload = (payloadData ?? {}) as JsonObject;
  const kv = input.kvPath ? kvFromData(await readData(input.kvPath, 'datastore')) : undefined;
  return testRule(rule, payload, { ...input, kv });
}

/** The evaluation behind `squall rule test`, on a rule already built. */
export async function testRule(
  rule: Rule,
  payload: JsonObject,
  opts: { triggerType?: string; kv?: KeyLookup; now?: Date } = {},
): Promise<RuleTestReport> {
  const notes: string[] = [];
  const triggerType = opts.triggerType ?? rule.trigger.type;
  const compiled = compileCriteria(rule.criteria);
  const user = typeof rule.context?.user === 'string' ? rule.context.user : undefined;
  const refs = compiled.kvRefs;
  actionParameterKvRefs(rule, refs);
  const kvContext = await loadKvContext(refs, opts.kv, user);
  if (kvContext.missing.length) {
    const where = opts.kv ? 'not in the --kv file' : 'no datastore here (pass --kv FILE)';
    notes.push(`${kvContext.missing.join(', ')}: ${where}; treated as missing (renders as "")`);
  }
  if (opts.kv) notes.push('values from --kv are plain text: | decrypt_kv returns them as they are');
  const decrypt = opts.kv ? (v: string) => v : undefined;

  const outcome = evaluateCriteria(compiled.criteria, {
    context: { trigger: payload, st2kv: kvContext.st2kv },
    env: { now: opts.now ?? new Date() },
    explain: true,
    ...(decrypt ? { decrypt } : {}),
  });
  let matched = outcome.passed;
  if (triggerType !== rule.trigger.type) {
    matched = false;
    notes.push(`the rule triggers on ${rule.trigger.type}, not ${triggerType}`);
  }
  if (compiled.criteria.length > 0 && Object.keys(payload).length === 0) {
    matched = false;
    notes.push('the payload is empty: a rule with criteria never matches an empty payload');
  }
  const parameters = renderActionParameters(rule, payload, {
    st2kv: kvContext.st2kv,
    ...(decrypt ? { decrypt } : {}),
  });
  return {
    rule: rule.ref,
    triggerType,
    matched,
    criteria: outcome.results,
    action: { ref: rule.action.ref, parameters },
    notes,
  };
}

export async function readData(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw usageError(`cannot read ${what} file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    // YAML 1.2 reads JSON as well.
    return parseYaml(text) as unknown;
  } catch (e) {
    throw usageError(`${what} file ${path} is not valid YAML or JSON: ${(e as Error).message.split('\n')[0]}`);
  }
}

function kvFromData(data: unknown): KeyLookup {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw usageError('the --kv file must be a mapping: {system: {name: value}, user: {name: value}} or {name: value}');
  }
  const d = data as Record<string, unknown>;
  const scoped = Object.keys(d).every((k) => k === 'system' || k === 'user');
  const asMap = (v: unknown): Map<string, string> =>
    new Map(
      Object.entries((v ?? {}) as Record<string, unknown>).map(([k, x]) => [
        k,
        typeof x === 'string' ? x : JSON.stringify(x),
      ]),
    );
  const system = asMap(scoped ? d.system : d);
  const user = asMap(scoped ? d.user : {});
  const pick = (scope: string) => (scope === 'st2kv.user' ? user : system);
  return {
    get: async (scope, name) => pick(scope).get(name),
    list: async (scope) => pick(scope),
  };
}

function kind(v: unknown): string {
  return Array.isArray(v) ? 'list' : typeof v;
}
