import { createHash } from 'node:crypto';
import { derivedId } from '../ids.js';
import type { JsonObject } from '../model/json.js';
import type { Rule } from '../model/rule.js';
import type { PackTriggerType } from '../model/trigger.js';
import { triggerKey } from '../rules/rule-evaluator.js';
import type { Store } from '../store/store.js';
import { withoutSecret } from '../webhooks/webhook-secret.js';
import { BUILTIN_TRIGGER_TYPES } from './builtin-trigger-types.js';

/** StackStorm's TriggerAPI: one trigger per (trigger type, parameters) that rules use. */
export interface Trigger {
  id: string;
  ref: string;
  uid: string;
  name: string;
  pack: string;
  /** The trigger type's ref. */
  type: string;
  parameters: JsonObject;
  description?: string;
}

/** StackStorm names a trigger with parameters by a UUID; Squall's is derived, so it is the same everywhere. */
function derivedUuid(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const BUILTINS: readonly PackTriggerType[] = BUILTIN_TRIGGER_TYPES.map((t) => ({
  ...t,
  id: derivedId(t.uid),
}));

/** Every trigger type: the built-ins, then those packs declare, each group sorted by ref. */
export async function listTriggerTypes(store: Store): Promise<PackTriggerType[]> {
  const declared = (await store.triggerTypes.list()).items;
  return [...BUILTINS, ...declared];
}

/** One trigger type by ref or id, built-in or declared. */
export async function getTriggerType(store: Store, refOrId: string): Promise<PackTriggerType | undefined> {
  return BUILTINS.find((t) => t.ref === refOrId || t.id === refOrId) ?? (await store.triggerTypes.get(refOrId));
}

/** The trigger a rule's `trigger` section names: the type itself when it has no parameters. */
export function triggerOf(type: string, given: JsonObject): Trigger {
  // A webhook's signing secret is not part of the trigger (triggerKey ignores it) and is never shown.
  const { secret: _secret, ...parameters } = given;
  const dot = type.indexOf('.');
  const pack = dot > 0 ? type.slice(0, dot) : type;
  const typeName = dot > 0 ? type.slice(dot + 1) : type;
  const key = triggerKey(parameters);
  const name = Object.keys(parameters).length === 0 ? typeName : derivedUuid(`${type}\0${key}`);
  return {
    id: derivedId(`trigger:${type}\0${key}`),
    ref: `${pack}.${name}`,
    uid: `trigger:${pack}:${name}:${createHash('md5').update(key).digest('hex')}`,
    name,
    pack,
    type,
    parameters,
  };
}

/**
 * The triggers StackStorm would hold: one per parameterless trigger type, and one per distinct
 * (type, parameters) among the rules.
 */
export function listTriggers(types: readonly PackTriggerType[], rules: readonly Rule[]): Trigger[] {
  const out = new Map<string, Trigger>();
  const add = (t: Trigger) => {
    if (!out.has(t.id)) out.set(t.id, t);
  };
  for (const t of types) if (Object.keys(t.parameters_schema).length === 0) add(triggerOf(t.ref, {}));
  // A webhook's secret authenticates; it is not part of the trigger, and never shown.
  for (const r of rules) add(triggerOf(r.trigger.type, withoutSecret(r.trigger.parameters)));
  return [...out.values()];
}
