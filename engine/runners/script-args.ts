import type { ParamSpecs } from '../model/action.js';
import type { JsonObject, JsonValue } from '../model/json.js';

/**
 * StackStorm's serialisation of a parameter for a script: strings and numbers as text, booleans `1`/`0`,
 * arrays comma-joined, objects as JSON.
 */
export function serializeParam(v: JsonValue): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (v === null) return '';
  if (Array.isArray(v))
    return v.map((x) => (typeof x === 'object' && x !== null ? JSON.stringify(x) : serializeParam(x))).join(',');
  return JSON.stringify(v);
}

/** The action's own parameters: everything given except the runner's parameters. */
export function actionParams(params: JsonObject, runnerParams: ParamSpecs): [string, JsonValue][] {
  return Object.entries(params).filter(([name]) => !Object.hasOwn(runnerParams, name));
}

/**
 * Script arguments, one argv entry each (never joined into a shell line): positional parameters
 * ordered by `position` (missing ones as ""), then named ones as `<kwarg_op><name>=<value>`.
 * Like StackStorm, named parameters that are null or empty strings are left out.
 */
export function scriptArguments(
  specs: ParamSpecs,
  runnerParams: ParamSpecs,
  params: [string, JsonValue][],
  kwargOp: string,
): string[] {
  const given = new Map(params);
  const positional: [string, number][] = [];
  for (const [name, spec] of Object.entries(specs)) {
    if (typeof spec.position === 'number' && !Object.hasOwn(runnerParams, name)) positional.push([name, spec.position]);
  }
  positional.sort(([, a], [, b]) => a - b);
  const positionalNames = new Set(positional.map(([name]) => name));
  const args = positional.map(([name]) => {
    const v = given.get(name);
    return v === undefined || v === null ? '' : serializeParam(v);
  });
  for (const [name, v] of params) {
    if (positionalNames.has(name) || v === null || v === '') continue;
    args.push(`${kwargOp}${name}=${serializeParam(v)}`);
  }
  return args;
}

/** Every action parameter as `ST2_PARAM_<NAME>` for scripts that prefer the environment. */
export function scriptEnv(params: [string, JsonValue][]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, v] of params) {
    if (v !== null) env[`ST2_PARAM_${name.toUpperCase()}`] = serializeParam(v);
  }
  return env;
}
