import { jsonTypeOf } from '../../actions/parameters.js';
import type { JsonObject, JsonValue } from '../../model/json.js';
import type { FileProblem } from '../pack-kind.js';

/**
 * A pack's `config.schema.yaml` checked against its config file as StackStorm does: the schema is
 * `{type: object, properties: <items>, additionalProperties: true}`, each item a JSON-schema subset
 * (type, enum, properties, items, additionalProperties) with StackStorm's boolean `required`.
 * Templates (`{{ st2kv.system.x }}`) are checked as strings: only string options may be templates.
 * Problems never quote the value (it may be a secret).
 */
export function checkPackConfig(items: JsonObject, config: JsonObject): FileProblem[] {
  const problems: FileProblem[] = [];
  checkObject(items, config, '', problems, true);
  return problems;
}

/** Problems in the schema file itself, by item; such items are ignored when checking configs. */
export function checkConfigSchema(items: JsonObject): FileProblem[] {
  const problems: FileProblem[] = [];
  for (const [key, item] of Object.entries(items)) {
    if (!/^\w+$/.test(key)) problems.push({ field: key, problem: 'option names must match ^\\w+$' });
    if (!isObject(item)) {
      problems.push({ field: key, problem: "must be a mapping (the option's schema: type, description, ...)" });
      continue;
    }
    checkItemSchema(item, key, problems);
  }
  return problems;
}

const TYPES = new Set(['string', 'integer', 'number', 'boolean', 'array', 'object', 'null']);

function checkItemSchema(item: JsonObject, path: string, problems: FileProblem[]): void {
  const t = item.type;
  if (t !== undefined && !(typeof t === 'string' && TYPES.has(t)))
    problems.push({ field: `${path}.type`, problem: `must be one of ${[...TYPES].join(', ')}` });
  if (item.required !== undefined && typeof item.required !== 'boolean')
    problems.push({ field: `${path}.required`, problem: 'must be true or false' });
  if (item.secret !== undefined && typeof item.secret !== 'boolean')
    problems.push({ field: `${path}.secret`, problem: 'must be true or false' });
  if (isObject(item.properties)) {
    for (const [k, sub] of Object.entries(item.properties)) {
      if (isObject(sub)) checkItemSchema(sub, `${path}.properties.${k}`, problems);
      else problems.push({ field: `${path}.properties.${k}`, problem: 'must be a mapping' });
    }
  }
}

function checkObject(
  props: JsonObject,
  value: JsonObject,
  path: string,
  problems: FileProblem[],
  additional: boolean | JsonObject,
): void {
  for (const [key, item] of Object.entries(props)) {
    if (!isObject(item)) continue;
    const field = path ? `${path}.${key}` : key;
    if (!Object.hasOwn(value, key)) {
      if (item.required === true && item.default === undefined) problems.push({ field, problem: 'is required' });
      continue;
    }
    checkValue(item, value[key] as JsonValue, field, problems);
  }
  for (const key of Object.keys(value)) {
    if (Object.hasOwn(props, key)) continue;
    const field = path ? `${path}.${key}` : key;
    if (additional === false) problems.push({ field, problem: 'is not an option of this object' });
    else if (isObject(additional)) checkValue(additional, value[key] as JsonValue, field, problems);
  }
}

function checkValue(item: JsonObject, v: JsonValue, field: string, problems: FileProblem[]): void {
  const type = typeof item.type === 'string' ? item.type : undefined;
  if (v === null) {
    if (item.required === true && type !== 'null') problems.push({ field, problem: 'is required (it is null)' });
    return;
  }
  if (typeof v === 'string' && /\{\{|\{%/.test(v)) {
    if (type !== undefined && type !== 'string')
      problems.push({
        field,
        problem: `is a template, but only string options may be templates (this one is ${article(type)})`,
      });
    return;
  }
  if (type !== undefined && !hasType(v, type)) {
    problems.push({ field, problem: `must be ${article(type)} (it is ${article(jsonTypeOf(v))})` });
    return;
  }
  if (Array.isArray(item.enum) && !item.enum.some((e) => JSON.stringify(e) === JSON.stringify(v)))
    problems.push({ field, problem: `must be one of ${item.enum.map((e) => JSON.stringify(e)).join(', ')}` });
  if (isObject(v) && (isObject(item.properties) || item.additionalProperties !== undefined)) {
    const additional = item.additionalProperties;
    checkObject(
      isObject(item.properties) ? item.properties : {},
      v,
      field,
      problems,
      additional === false ? false : isObject(additional) ? additional : true,
    );
  }
  if (Array.isArray(v) && isObject(item.items)) {
    const items = item.items;
    v.forEach((el, i) => {
      checkValue(items, el, `${field}[${i}]`, problems);
    });
  }
}

function hasType(v: JsonValue, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isObject(v);
    default:
      return v === null;
  }
}

function article(t: string): string {
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A config with the schema's defaults filled in for absent keys, recursively; an object option that
 * declares `properties` appears (as `{}` plus its defaults) even when absent, as in StackStorm.
 */
export function withConfigDefaults(items: JsonObject, config: JsonObject): JsonObject {
  const out: JsonObject = { ...config };
  for (const [key, item] of Object.entries(items)) {
    if (!isObject(item)) continue;
    const has = Object.hasOwn(out, key);
    if (!has && item.default !== undefined) out[key] = item.default;
    else if (!has && item.type === 'object' && isObject(item.properties)) out[key] = {};
    else if (!has && item.type === 'array' && isObject(item.items)) out[key] = [];
    const v = out[key];
    if (isObject(v) && isObject(item.properties)) out[key] = withConfigDefaults(item.properties, v);
  }
  return out;
}

/** Dotted paths of the options marked `secret: true`, for masking. */
export function secretConfigPaths(items: JsonObject, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, item] of Object.entries(items)) {
    if (!isObject(item)) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    if (item.secret === true) out.push(path);
    if (isObject(item.properties)) out.push(...secretConfigPaths(item.properties, path));
  }
  return out;
}
