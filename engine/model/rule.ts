import type { JsonObject, JsonValue } from './json.js';

/**
 * One criterion: the operator (`type`, matched case-insensitively), its pattern, and for `search`
 * the condition; a `search` pattern is itself a criteria map applied to each list item.
 */
export interface RuleCriterion {
  type: string;
  pattern?: JsonValue;
  condition?: string;
}

/** Payload path (optionally `path#tag`) → criterion; all entries must hold (logical AND). */
export type RuleCriteria = Record<string, RuleCriterion>;

/** `standard` rules match first; a `backstop` rule matches only when no standard rule did. */
export type RuleKind = 'standard' | 'backstop';

/** A rule (StackStorm's RuleAPI shape). */
export interface Rule {
  id: string;
  uid: string; // rule:<pack>:<name>
  ref: string; // <pack>.<name>
  pack: string;
  name: string;
  description: string;
  /** Squall: a rule without `enabled` is enabled (StackStorm stores it disabled). */
  enabled: boolean;
  type: { ref: RuleKind; parameters: JsonObject };
  trigger: { type: string; parameters: JsonObject; description?: string; ref?: string };
  criteria: RuleCriteria;
  action: { ref: string; parameters: JsonObject; description?: string };
  context?: JsonObject;
  tags?: { name: string; value?: JsonValue }[];
  metadata_file?: string;
}

/** What became of one matched rule for one trigger instance. */
export type RuleEnforcementStatus = 'succeeded' | 'failed';

/** StackStorm's RuleEnforcementAPI shape, plus Squall's `trace_tag`. */
export interface RuleEnforcement {
  id: string;
  rule: { id: string; ref: string; uid: string };
  trigger_instance_id: string;
  /** The execution the rule started; absent when it failed before one was created. */
  execution_id?: string;
  status: RuleEnforcementStatus;
  /** Why it failed: names the parameter and the cause for a rendering failure. */
  failure_reason?: string;
  /** ISO time. */
  enforced_at: string;
  trace_tag?: string;
}
