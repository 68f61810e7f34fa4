import { resolveParameters } from '../actions/parameters.js';
import { collectKvRefs, emptyKvRefs, type KvRefs, type KvTemplateContext } from '../datastore/kv-template-context.js';
import { SquallError } from '../errors.js';
import type { ParamSpecs } from '../model/action.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import type { Rule } from '../model/rule.js';
import { renderDeep } from '../templates/templates.js';

export interface RenderActionParametersOptions {
  /** `st2kv` as read for this rule (see loadKvContext); absent: no datastore, every key renders as "". */
  st2kv?: KvTemplateContext['st2kv'];
  /** Decrypts secrets for `| decrypt_kv`. */
  decrypt?: (stored: string) => string;
  /** The action's parameters (runner's merged in): rendered values are cast and checked against them. */
  specs?: ParamSpecs;
  /** More names in scope, e.g. `config_context` (the pack's config). */
  extraContext?: Record<string, unknown>;
}

export type RenderedParameters =
  | { ok: true; parameters: JsonObject }
  /** `reason` names the parameter and the cause; it becomes the failed enforcement's failure_reason. */
  | { ok: false; reason: string; parameter?: string };

/**
 * Renders a matched rule's `action.parameters` for one trigger instance, then casts them to the
 * action's declared types. Each template is rendered once: a payload value that itself contains
 * `{{ ... }}` arrives as data and is never rendered again.
 *
 * @example renderActionParameters(rule, { body: { host: 'web1' } }, { specs })
 */
export function renderActionParameters(
  rule: Rule,
  payload: JsonObject | null,
  opts: RenderActionParametersOptions = {},
): RenderedParameters {
  const context: Record<string, unknown> = {
    ...opts.extraContext,
    trigger: payload ?? {},
    rule: { id: rule.id, ref: rule.ref, uid: rule.uid, name: rule.name, pack: rule.pack },
    st2kv: opts.st2kv ?? { system: {}, user: {} },
  };
  const renderOpts = opts.decrypt ? { strict: true, decrypt: opts.decrypt } : { strict: true };
  const rendered: JsonObject = {};
  for (const [name, value] of Object.entries(rule.action.parameters)) {
    try {
      rendered[name] = renderDeep(value, context, renderOpts) as JsonValue;
    } catch (e) {
      const cause = e instanceof Error ? e.message : String(e);
      return { ok: false, parameter: name, reason: `Failed to render parameter "${name}": ${cause}` };
    }
  }
  if (!opts.specs) return { ok: true, parameters: rendered };
  try {
    return {
      ok: true,
      parameters: resolveParameters(opts.specs, rendered, { castStrings: true, subject: rule.action.ref }),
    };
  } catch (e) {
    if (e instanceof SquallError) return { ok: false, reason: e.message };
    throw e;
  }
}

/** The datastore keys a rule's action parameters name. */
export function actionParameterKvRefs(rule: Rule, into: KvRefs = emptyKvRefs()): KvRefs {
  const walk = (v: unknown): void => {
    if (typeof v === 'string') collectKvRefs(v, into);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(walk);
  };
  walk(rule.action.parameters);
  return into;
}
