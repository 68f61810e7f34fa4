import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { JsonObject, JsonValue } from '../model/json.js';

/** `core.ask`'s schema when none is given: StackStorm's single required boolean `continue`. */
export const DEFAULT_INQUIRY_SCHEMA: JsonObject = {
  type: 'object',
  properties: {
    continue: { type: 'boolean', description: 'Would you like to continue the workflow?', required: true },
  },
  additionalProperties: false,
};

// Unknown keywords (`position`, `secret`, ...) are tolerated as StackStorm's validator tolerates them.
const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true });
const compiled = new Map<string, ValidateFunction>();

const isObject = (v: JsonValue | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * StackStorm's schemas say `required: true` on a property (JSON schema draft 3, which its validator
 * still reads); ajv knows only draft 4's `required: [names]` on the object. This turns the one into the other.
 */
export function draft4Schema(schema: JsonValue): JsonValue {
  if (Array.isArray(schema)) return schema.map(draft4Schema);
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'required' && typeof v === 'boolean') continue;
    out[k] = k === 'properties' && isObject(v) ? propertiesOf(v) : draft4Schema(v);
  }
  if (isObject(schema.properties)) {
    const named = Object.entries(schema.properties)
      .filter(([, p]) => isObject(p) && p.required === true)
      .map(([name]) => name);
    const listed = Array.isArray(schema.required) ? schema.required : [];
    if (named.length > 0) out.required = [...new Set([...listed, ...named])];
  }
  return out;
}

function propertiesOf(props: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [name, p] of Object.entries(props)) out[name] = draft4Schema(p);
  return out;
}

function validatorOf(schema: JsonObject): ValidateFunction {
  const key = JSON.stringify(schema);
  let v = compiled.get(key);
  if (v === undefined) {
    v = ajv.compile(draft4Schema(schema) as JsonObject);
    if (compiled.size > 500) compiled.clear();
    compiled.set(key, v);
  }
  return v;
}

/** Why a schema cannot be used (ajv's words), or undefined when it compiles. */
export function schemaProblem(schema: JsonObject): string | undefined {
  try {
    validatorOf(schema);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Each problem as `field: message` (`approved: must be boolean`), joined with `; `. */
function describe(errors: ErrorObject[]): string {
  return errors
    .map((e) => {
      const at = e.instancePath.replace(/^\//, '').replaceAll('/', '.');
      const missing =
        e.keyword === 'required' ? String((e.params as { missingProperty?: string }).missingProperty) : '';
      const extra =
        e.keyword === 'additionalProperties'
          ? String((e.params as { additionalProperty?: string }).additionalProperty)
          : '';
      if (missing) return `${at ? `${at}.` : ''}${missing}: is required`;
      if (extra) return `${at ? `${at}.` : ''}${extra}: is not allowed (${e.message ?? 'additional property'})`;
      return `${at || 'response'}: ${e.message ?? e.keyword}`;
    })
    .join('; ');
}

/**
 * Checks a response against an inquiry's schema; defaults in the schema fill missing values (as
 * StackStorm's `use_default`). Returns the response as validated, or the problems.
 */
export function checkResponse(
  schema: JsonObject,
  response: JsonObject,
): { ok: true; response: JsonObject } | { ok: false; problem: string } {
  const copy = structuredClone(response);
  const validate = validatorOf(schema);
  if (validate(copy)) return { ok: true, response: copy };
  return { ok: false, problem: describe(validate.errors ?? []) };
}
/** The boolean properties of a schema, for a chat question with one button per choice. */
export function booleanProperties(schema: JsonObject): { name: string; description?: string }[] {
  const props = isObject(schema.properties) ? schema.properties : {};
  return Object.entries(props)
    .filter(([, p]) => isObject(p) && p.type === 'boolean')
    .map(([name, p]) => ({
      name,
      ...(isObject(p) && typeof p.description === 'string' ? { description: p.description } : {}),
    }));
}
