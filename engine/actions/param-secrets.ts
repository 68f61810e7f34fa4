import type { ParamSpecs } from '../model/action.js';
import type { JsonObject, JsonValue } from '../model/json.js';

/** What a secret looks like wherever it could be shown: API, CLI, chat, logs. */
export const MASK = '********';

/** Copy with secret parameter values replaced by '********' (deep for objects is not needed: the whole value). */
export function maskSecrets(specs: ParamSpecs, values: Record<string, unknown>): JsonObject {
  const out: JsonObject = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    out[name] = specs[name]?.secret && value !== null ? MASK : (value as JsonValue);
  }
  return out;
}

/**
 * The non-empty string forms of secret values, for masking them inside free text (stdout, messages).
 * A structured secret contributes its JSON form and every string inside it. Longest first, so that a
 * secret containing another is masked whole.
 */
export function secretValues(specs: ParamSpecs, values: Record<string, unknown>): string[] {
  return secretStrings(Object.entries(values).flatMap(([name, value]) => (specs[name]?.secret ? [value] : [])));
}

/** The masking forms (see secretValues) of values that are secret whatever their source: parameters, pack config. */
export function secretStrings(values: readonly unknown[]): string[] {
  const found = new Set<string>();
  for (const value of values) collect(value, found, true);
  return [...found].sort((a, b) => b.length - a.length);
}

function collect(v: unknown, into: Set<string>, top: boolean): void {
  if (typeof v === 'string') {
    if (v !== '') into.add(v);
  } else if (typeof v === 'number' || typeof v === 'bigint') {
    into.add(String(v));
  } else if (typeof v === 'object' && v !== null) {
    if (top) into.add(JSON.stringify(v));
    for (const inner of Object.values(v)) collect(inner, into, false);
  }
  // Booleans and null are not secrets worth hiding: masking every "true" would only garble output.
}

/** Replaces every occurrence of each secret in `text` with '********'. */
export function maskText(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, whatever order the caller gives: a shorter secret inside a longer one must not split it.
  const ordered = [...secrets].filter((s) => s !== '').sort((a, b) => b.length - a.length);
  for (const s of ordered) if (out.includes(s)) out = out.split(s).join(MASK);
  return out;
}

/** Deep-masks secrets inside any JSON value (strings containing a secret get it replaced). */
export function maskDeep<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  return walk(value, secrets) as T;
}

function walk(v: unknown, secrets: readonly string[]): unknown {
  if (typeof v === 'string') return maskText(v, secrets);
  if (Array.isArray(v)) return v.map((x) => walk(x, secrets));
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = walk(x, secrets);
    return out;
  }
  return v;
}
