import { SquallError } from '../errors.js';
import type { ParamSpec, ParamSpecs, ParamType } from '../model/action.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import { castString } from './param-cast.js';

export { MASK, maskDeep, maskSecrets, maskText, secretValues } from './param-secrets.js';

/** One thing wrong with one parameter; `resolveParameters` reports all of them at once. */
export interface ParamProblem {
  parameter: string;
  problem: string;
}

export interface ResolveOptions {
  /**
   * Cast strings to the declared types: values typed in chat or as CLI `key=value` are always strings.
   * JSON callers (API) get strict checks instead. @default false
   */
  castStrings?: boolean;
  /** The action ref named in the error message, e.g. `core.local`. */
  subject?: string;
}

/** The attributes StackStorm lets an action override on a parameter its runner declares. */
const OVERRIDABLE = ['default', 'description', 'enum', 'immutable', 'required'] as const;

/**
 * Runner params overridden by the action's own (StackStorm lets an action override default,
 * description, enum, immutable, required, and adds its own params).
 *
 * Other attributes of a runner parameter (type, position, ...) stay the runner's, because the runner's
 * code depends on them. The one exception is `secret`: an action may raise it, never lower it.
 *
 * @example effectiveSpecs(localShellCmd.parameters, action.parameters)
 */
export function effectiveSpecs(runnerParams: ParamSpecs, actionParams: ParamSpecs): ParamSpecs {
  const out: ParamSpecs = {};
  for (const [name, runnerSpec] of Object.entries(runnerParams)) {
    const own = actionParams[name];
    if (!own) {
      out[name] = { ...runnerSpec };
      continue;
    }
    const merged: ParamSpec = { ...runnerSpec };
    for (const key of OVERRIDABLE) if (own[key] !== undefined) Object.assign(merged, { [key]: own[key] });
    if (own.secret === true) merged.secret = true;
    out[name] = merged;
  }
  for (const [name, spec] of Object.entries(actionParams)) if (!(name in out)) out[name] = { ...spec };
  return out;
}

/**
 * Validates and types `given` against `specs` and fills in defaults. Every problem is collected, so
 * a chat user learns everything wrong with a command at once.
 *
 * `null` or `undefined` for a parameter means "not given". Defaults that are templates are rendered
 * before this by `renderTemplateDefaults` (template-defaults.ts); here every default is a value.
 *
 * @throws SquallError SQ_PARAMETER_INVALID with `details.errors: ParamProblem[]`
 * @example resolveParameters(specs, { cmd: 'uptime', timeout: '30' }, { castStrings: true, subject: 'core.local' })
 */
export function resolveParameters(
  specs: ParamSpecs,
  given: Record<string, unknown>,
  opts: ResolveOptions = {},
): JsonObject {
  const problems: ParamProblem[] = [];
  const out: JsonObject = {};
  const names = Object.keys(specs);

  for (const [name, value] of Object.entries(given)) {
    if (Object.hasOwn(specs, name) || value === undefined) continue;
    const takes = names.length ? names.join(', ') : 'no parameters';
    problems.push({ parameter: name, problem: `unknown parameter (the action takes: ${takes})` });
  }

  for (const [name, spec] of Object.entries(specs)) {
    const raw = Object.hasOwn(given, name) ? given[name] : undefined;
    const isGiven = raw !== undefined && raw !== null;
    if (spec.immutable) {
      if (isGiven) problems.push({ parameter: name, problem: 'is immutable and cannot be set' });
      if (spec.default !== undefined) out[name] = spec.default;
      continue;
    }
    if (!isGiven) {
      if (spec.default !== undefined && spec.default !== null) out[name] = spec.default;
      else if (spec.required) problems.push({ parameter: name, problem: 'is required' });
      continue;
    }
    const checked = checkValue(spec, raw, opts.castStrings === true);
    if ('problem' in checked) {
      problems.push({ parameter: name, problem: checked.problem });
      continue;
    }
    const boundsProblem = checkEnum(spec, checked.value) ?? checkBounds(spec, checked.value);
    if (boundsProblem) problems.push({ parameter: name, problem: boundsProblem });
    else out[name] = checked.value;
  }

  if (problems.length) {
    const list = problems.map((p) => `${p.parameter}: ${p.problem}`).join('; ');
    const subject = opts.subject ? ` for ${opts.subject}` : '';
    throw new SquallError('SQ_PARAMETER_INVALID', `Invalid parameters${subject}: ${list}`, {
      details: { errors: problems },
    });
  }
  return out;
}

type Checked = { value: JsonValue } | { problem: string };

function checkValue(spec: ParamSpec, raw: unknown, castStrings: boolean): Checked {
  const type = spec.type;
  if (!type) return { value: raw as JsonValue };
  if (castStrings && typeof raw === 'string' && type !== 'string') {
    const cast = castString(type, raw);
    if (cast !== undefined) return { value: cast };
    // A secret must not be echoed back in an error that may be posted to a chat channel.
    const shown = spec.secret ? 'a value that is not one' : quote(raw);
    return { problem: `expected ${type}, got ${shown}` };
  }
  if (matchesType(type, raw)) return { value: raw as JsonValue };
  return { problem: `expected ${type}, got ${jsonTypeOf(raw)}` };
}

function matchesType(type: ParamType, v: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isSafeInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'array':
      return Array.isArray(v);
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
  }
}

function checkEnum(spec: ParamSpec, value: JsonValue): string | undefined {
  if (!Array.isArray(spec.enum) || spec.enum.length === 0) return undefined;
  const wanted = JSON.stringify(value);
  if (spec.enum.some((e) => JSON.stringify(e) === wanted)) return undefined;
  return `must be one of ${spec.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join(', ')}`;
}

/**
 * The JSON-schema bounds packs declare on parameters (`minimum`, `maximum`, `exclusiveMinimum`,
 * `exclusiveMaximum`, `multipleOf`, `minLength`, `maxLength`, `pattern`, `minItems`, `maxItems`),
 * checked on the typed value. A bound that is not a number (or, for `pattern`, not a valid regular
 * expression) is ignored here: the pack loader reports the pack's mistake, a caller cannot fix it.
 */
function checkBounds(spec: ParamSpec, value: JsonValue): string | undefined {
  const num = (k: string): number | undefined => (typeof spec[k] === 'number' ? (spec[k] as number) : undefined);
  // A secret's value is never quoted back; the bound alone says what is wrong.
  if (typeof value === 'number') {
    const min = num('minimum');
    const max = num('maximum');
    const xmin = num('exclusiveMinimum');
    const xmax = num('exclusiveMaximum');
    const step = num('multipleOf');
    if (min !== undefined && value < min) return `must be at least ${min}`;
    if (max !== undefined && value > max) return `must be at most ${max}`;
    if (xmin !== undefined && value <= xmin) return `must be more than ${xmin}`;
    if (xmax !== undefined && value >= xmax) return `must be less than ${xmax}`;
    if (step !== undefined && step > 0 && !Number.isInteger(value / step)) return `must be a multiple of ${step}`;
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    const min = num('minLength');
    const max = num('maxLength');
    if (min !== undefined && length < min) return `must be at least ${min} characters long`;
    if (max !== undefined && length > max) return `must be at most ${max} characters long`;
    if (typeof spec.pattern === 'string') {
      let re: RegExp | undefined;
      try {
        re = new RegExp(spec.pattern, 'u');
      } catch {
        re = undefined;
      }
      if (re && !re.test(value)) return `must match the pattern ${spec.pattern}`;
    }
  }
  if (Array.isArray(value)) {
    const min = num('minItems');
    const max = num('maxItems');
    if (min !== undefined && value.length < min) return `must have at least ${min} items`;
    if (max !== undefined && value.length > max) return `must have at most ${max} items`;
  }
  return undefined;
}

/** A JSON value's JSON-schema type name; whole numbers are `integer`. */
export function jsonTypeOf(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function quote(s: string): string {
  const max = 60;
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}
