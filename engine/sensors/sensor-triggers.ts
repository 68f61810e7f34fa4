import type { Rule } from '../model/rule.js';
import type { SensorType } from '../model/sensor.js';
import { type Trigger, triggerOf } from '../triggers/trigger-catalog.js';
import { withoutSecret } from '../webhooks/webhook-secret.js';

/**
 * The triggers a sensor is told of (Python sensors' `add_trigger`), as StackStorm has them: for each
 * of its trigger types one trigger without parameters, plus one per distinct `parameters` that
 * enabled rules give that type (a sensor learns where to listen). The same triggers as
 * `/api/v1/triggers` lists (trigger-catalog.ts).
 */
export function sensorTriggers(sensor: SensorType, rules: readonly Rule[]): Trigger[] {
  const out = new Map<string, Trigger>();
  for (const type of sensor.trigger_types) {
    const plain = triggerOf(type, {});
    out.set(plain.id, plain);
    for (const r of rules) {
      if (!r.enabled || r.trigger.type !== type) continue;
      const t = triggerOf(type, withoutSecret(r.trigger.parameters ?? {}));
      if (!out.has(t.id)) out.set(t.id, t);
    }
  }
  return [...out.values()];
}
