import { MASK } from '../actions/param-secrets.js';
import type { JsonObject } from '../model/json.js';
import type { Rule } from '../model/rule.js';

/** A trigger's parameters as they identify it (`/api/v1/triggers`, trigger instances): without a webhook's secret. */
export function withoutSecret(parameters: JsonObject): JsonObject {
  const { secret: _secret, ...rest } = parameters;
  return rest;
}

/**
 * A webhook rule's signing secret (`trigger.parameters.secret`) is never shown: the rules API answers
 * with it masked. Clients that GET, edit and PUT a rule back send the mask, which keeps the stored secret.
 */
export function maskRuleSecret(rule: Rule): Rule {
  if (typeof rule.trigger.parameters.secret !== 'string') return rule;
  return { ...rule, trigger: { ...rule.trigger, parameters: { ...rule.trigger.parameters, secret: MASK } } };
}

/** `rule` with the secret of `existing` where `rule` carries only the mask. */
export function keepMaskedSecret(rule: Rule, existing: Rule | undefined): Rule {
  if (rule.trigger.parameters.secret !== MASK) return rule;
  const kept = existing?.trigger.parameters.secret;
  const parameters = { ...rule.trigger.parameters };
  if (typeof kept === 'string') parameters.secret = kept;
  else delete parameters.secret;
  return { ...rule, trigger: { ...rule.trigger, parameters } };
}
