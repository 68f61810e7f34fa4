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
 * `null` or `undefined` for a parameter means "not given". A default that is a template string
 * (`{{ ... }}`) is returned as is: Squall does not render parameter defaults yet (StackStorm renders them
 * with `st2kv` and `config_context`, which arrive with the datastore); a template default reaches the
 * runner as literal text, never as code.
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
    const enumProblem = checkEnum(spec, checked.value);
    if (enumProblem) problems.push({ parameter: name, problem: enumProblem });
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

function jsonTypeOf(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function quote(s: string): string {
  const max = 60;
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}
