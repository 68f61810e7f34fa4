import { SquallError } from '../errors.js';
import type { JsonObject, JsonValue } from '../model/json.js';

// Parameters reach runners validated against the runner's and the action's specs, so a wrong type
// here means a caller bypassed validation: that is a bad request, not an action failure.

function wrongType(name: string, expected: string, value: JsonValue): SquallError {
  return new SquallError('SQ_PARAMETER_INVALID', `Parameter "${name}" must be ${expected}, got ${typeof value}`);
}

/** A string parameter; absent or null gives `undefined`. Numbers are accepted and turned into text. */
export function readString(params: JsonObject, name: string): string | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  throw wrongType(name, 'a string', v);
}

/** A string parameter that must be present and not empty. */
export function requireString(params: JsonObject, name: string): string {
  const v = readString(params, name);
  if (v === undefined || v === '') {
    throw new SquallError('SQ_PARAMETER_INVALID', `Parameter "${name}" is required`);
  }
  return v;
}

export function readBoolean(params: JsonObject, name: string, fallback: boolean): boolean {
  const v = params[name];
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'boolean') return v;
  throw wrongType(name, 'a boolean', v);
}

export function readNumber(params: JsonObject, name: string, fallback: number): number {
  const v = params[name];
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw wrongType(name, 'a number', v);
}

export function readObject(params: JsonObject, name: string): JsonObject | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object' && !Array.isArray(v)) return v;
  throw wrongType(name, 'an object', v);
}

/** Environment-style values: strings stay as they are, anything else becomes JSON text. */
export function envValue(v: JsonValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** An `env` object parameter as name -> text; null values are left out. */
export function readEnv(params: JsonObject, name: string): Record<string, string> {
  const obj = readObject(params, name) ?? {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v !== null) out[k] = envValue(v);
  }
  return out;
}
