import { z } from 'zod';
import { issueTexts } from '../../lib/zod-issues.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import type { TriggerType } from '../model/trigger.js';
import { issueMessage } from '../packs/pack-issues.js';
import { TIMER_TYPES, timerSchedule } from '../timers/timer-schedule.js';
import { builtinTriggerType } from './builtin-trigger-types.js';

export interface SchemaProblem {
  field?: string;
  problem: string;
}

const compiled = new WeakMap<JsonObject, z.ZodType>();

/** `format` is dropped: StackStorm's validator does not check formats (a DateTimer takes `2024-01-01 10:00:00`). */
function withoutFormats(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(withoutFormats);
  if (typeof v !== 'object' || v === null) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (k !== 'format') out[k] = withoutFormats(x);
  return out;
}

function schemaOf(schema: JsonObject): z.ZodType {
  let s = compiled.get(schema);
  if (!s) {
    s = z.fromJSONSchema(withoutFormats(schema) as Parameters<typeof z.fromJSONSchema>[0]);
    compiled.set(schema, s);
  }
  return s;
}

/** Problems of `value` against a JSON schema; none for an empty schema. */
export function checkAgainstSchema(schema: JsonObject, value: unknown): SchemaProblem[] {
  if (Object.keys(schema).length === 0) return [];
  const r = schemaOf(schema).safeParse(value, { error: issueMessage });
  if (r.success) return [];
  return issueTexts(r.error.issues).map((p) =>
    p.field ? { field: p.field, problem: p.problem } : { problem: p.problem },
  );
}

/**
 * Problems of a rule's `trigger.parameters` for a built-in trigger type (StackStorm always validates
 * these). Pack trigger types are checked where their type is known (the store), not here.
 */
export function checkTriggerParameters(type: string, parameters: JsonObject): SchemaProblem[] {
  const t = builtinTriggerType(type);
  if (!t) return [];
  if (Object.keys(t.parameters_schema).length === 0) {
    return Object.keys(parameters).length ? [{ problem: `${type} takes no parameters` }] : [];
  }
  const problems = checkAgainstSchema(t.parameters_schema, parameters);
  // StackStorm builds the schedule to validate a CronTimer; Squall does for every timer.
  if (problems.length === 0 && TIMER_TYPES.includes(type)) {
    try {
      timerSchedule(type, parameters);
    } catch (e) {
      const text = (e as Error).message;
      const m = /^(\w+): (.*)$/s.exec(text);
      problems.push(m ? { field: m[1] as string, problem: m[2] as string } : { problem: text });
    }
  }
  return problems;
}

/** Problems of a trigger instance's payload against its type's payload schema. */
export function checkTriggerPayload(t: TriggerType, payload: unknown): SchemaProblem[] {
  return checkAgainstSchema(t.payload_schema, payload);
}
