import { issueTexts } from '../../lib/zod-issues.js';
import { newId } from '../ids.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import type { Rule, RuleCriteria } from '../model/rule.js';
import { issueMessage } from '../packs/pack-issues.js';
import { checkTriggerParameters } from '../triggers/trigger-parameters.js';
import { compileCriteria } from './criteria/criteria-compile.js';
import { RULE_KEYS, RuleFileSchema } from './rule-schema.js';

/** One thing wrong with a rule file, as `field: problem`. */
export interface RuleProblem {
  field?: string;
  problem: string;
  /** A warning leaves the rule loadable; absent means the rule is rejected. */
  severity?: 'warning';
}

export interface BuildRuleContext {
  /** The pack the file was loaded from; it wins over the file's own `pack`. Absent: the file's, else `default`. */
  pack?: string;
  /** Path inside the pack, e.g. `rules/on_alert.yaml`. */
  metadataFile?: string;
}

/**
 * Builds a Rule from one parsed rule file (YAML or JSON); `rule` is absent when the file has errors.
 * Everything wrong is reported at once: the schema, each criterion, and the parameters of a built-in
 * trigger type.
 *
 * @example const { rule, problems } = buildRule(parseYaml(text), { pack: 'ops', metadataFile: 'rules/a.yaml' })
 */
export function buildRule(data: unknown, ctx: BuildRuleContext = {}): { rule?: Rule; problems: RuleProblem[] } {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { problems: [{ problem: 'must be a mapping (a rule definition)' }] };
  }
  const problems: RuleProblem[] = [];
  for (const key of Object.keys(data)) {
    // A misspelt `criteria` would silently make the rule match every event: unknown keys are errors.
    if (!(RULE_KEYS as readonly string[]).includes(key)) {
      problems.push({ field: key, problem: `unknown key (a rule may have: ${DOCUMENTED_KEYS})` });
    }
  }
  const parsed = RuleFileSchema.safeParse(data, { error: issueMessage });
  if (!parsed.success) {
    for (const p of issueTexts(parsed.error.issues)) problems.push(p.field ? p : { problem: p.problem });
  }
  // Criteria and trigger parameters are checked even when other fields are wrong: one run reports all.
  const raw = data as { criteria?: unknown; trigger?: { type?: unknown; parameters?: unknown } };
  if (isMapping(raw.criteria)) problems.push(...compileCriteria(raw.criteria).problems);
  const triggerType = isMapping(raw.trigger) && typeof raw.trigger.type === 'string' ? raw.trigger.type : undefined;
  const triggerParameters = isMapping(raw.trigger) && isMapping(raw.trigger.parameters) ? raw.trigger.parameters : {};
  if (triggerType) {
    for (const p of checkTriggerParameters(triggerType, triggerParameters as JsonObject)) {
      problems.push({ field: p.field ? `trigger.parameters.${p.field}` : 'trigger.parameters', problem: p.problem });
    }
  }
  if (!parsed.success) return { problems };
  const m = parsed.data;
  const criteria = (m.criteria ?? {}) as RuleCriteria;

  const pack = ctx.pack ?? m.pack ?? 'default';
  if (ctx.pack !== undefined && m.pack !== undefined && m.pack !== ctx.pack) {
    problems.push({
      field: 'pack',
      problem: `"${m.pack}" differs from the pack's ref "${ctx.pack}"; using "${ctx.pack}"`,
      severity: 'warning',
    });
  }
  if (problems.some((p) => p.severity !== 'warning')) return { problems };

  const rule: Rule = {
    id: newId(),
    uid: `rule:${pack}:${m.name}`,
    ref: `${pack}.${m.name}`,
    pack,
    name: m.name,
    description: m.description ?? '',
    enabled: m.enabled ?? true,
    type: { ref: m.type?.ref ?? 'standard', parameters: (m.type?.parameters ?? {}) as JsonObject },
    trigger: { type: m.trigger.type, parameters: (m.trigger.parameters ?? {}) as JsonObject },
    criteria,
    action: { ref: m.action.ref, parameters: (m.action.parameters ?? {}) as JsonObject },
  };
  if (m.trigger.description) rule.trigger.description = m.trigger.description;
  if (m.action.description) rule.action.description = m.action.description;
  if (m.context) rule.context = m.context as JsonObject;
  if (m.tags) rule.tags = m.tags as { name: string; value?: JsonValue }[];
  const metadataFile = ctx.metadataFile ?? m.metadata_file;
  if (metadataFile) rule.metadata_file = metadataFile;
  return { rule, problems };
}

const DOCUMENTED_KEYS = RULE_KEYS.filter((k) => !['ref', 'uid', 'id', 'metadata_file'].includes(k)).join(', ');

/** `trigger.type: must be ...; criteria.trigger.x.type: unknown operator ...` on one line. */
export function formatRuleProblems(problems: readonly RuleProblem[]): string {
  return problems
    .filter((p) => p.severity !== 'warning')
    .map((p) => (p.field ? `${p.field}: ${p.problem}` : p.problem))
    .join('; ');
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
