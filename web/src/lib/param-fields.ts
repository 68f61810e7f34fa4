import type { ActionParameter } from '../api/types.ts';

export type FieldKind = 'string' | 'secret' | 'integer' | 'number' | 'boolean' | 'enum' | 'array' | 'object';

/** One input of a run form, derived from an action parameter's schema. */
export interface Field {
  name: string;
  kind: FieldKind;
  required: boolean;
  description?: string;
  default?: unknown;
  options?: string[];
}

function kindOf(p: ActionParameter): FieldKind {
  if (Array.isArray(p.enum) && p.enum.length > 0) return 'enum';
  if (p.secret) return 'secret';
  const type = Array.isArray(p.type) ? p.type[0] : p.type;
  switch (type) {
    case 'integer':
    case 'number':
    case 'boolean':
    case 'array':
    case 'object':
      return type;
    default:
      return 'string';
  }
}

/**
 * The run form's fields: every parameter but immutable ones (the action fixes those), required
 * first, then by `position`, then by name, the order StackStorm's forms use.
 */
export function fieldsOf(params: Record<string, ActionParameter> | undefined): Field[] {
  return Object.entries(params ?? {})
    .filter(([, p]) => !p.immutable)
    .sort(([an, a], [bn, b]) => {
      if (!!a.required !== !!b.required) return a.required ? -1 : 1;
      const ap = a.position ?? Number.MAX_SAFE_INTEGER;
      const bp = b.position ?? Number.MAX_SAFE_INTEGER;
      return ap !== bp ? ap - bp : an.localeCompare(bn);
    })
    .map(([name, p]) => ({
      name,
      kind: kindOf(p),
      required: p.required === true,
      ...(p.description ? { description: p.description } : {}),
      ...(p.default !== undefined ? { default: p.default } : {}),
      ...(p.enum ? { options: p.enum.map(String) } : {}),
    }));
}

/** A form value: text for every input but checkboxes. */
export type FormValue = string | boolean;

function asText(kind: FieldKind, v: unknown): string {
  if (v === undefined || v === null) return '';
  if (kind === 'array' || kind === 'object') return JSON.stringify(v, null, 2);
  return String(v);
}

/**
 * Initial form values: `given` (a re-run's parameters) over the defaults. Secrets start empty, since
 * the API shows them masked; left empty, the server keeps or refuses them (docs/security.md).
 */
export function initialValues(fields: Field[], given: Record<string, unknown> = {}): Record<string, FormValue> {
  const out: Record<string, FormValue> = {};
  for (const f of fields) {
    const v = f.name in given ? given[f.name] : f.default;
    if (f.kind === 'boolean') out[f.name] = v === true;
    else if (f.kind === 'secret') out[f.name] = '';
    else out[f.name] = asText(f.kind, v);
  }
  return out;
}

export interface Built {
  parameters: Record<string, unknown>;
  /** Problems by field name, said so a person can fix them. */
  errors: Record<string, string>;
}

/**
 * The `parameters` to send: typed from the form's text; empty inputs and values equal to the default
 * are left out so that the server applies the action's own default. With `keepDefaults` (an inquiry's
 * response, which must be whole) every value given is sent, and every checkbox.
 */
export function buildParameters(
  fields: Field[],
  values: Record<string, FormValue>,
  opts: { keepDefaults?: boolean } = {},
): Built {
  const parameters: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const raw = values[f.name];
    if (f.kind === 'boolean') {
      const b = raw === true;
      if (opts.keepDefaults || b !== (f.default === true)) parameters[f.name] = b;
      continue;
    }
    const text = typeof raw === 'string' ? raw : '';
    if (text.trim() === '') {
      if (f.required && f.default === undefined) errors[f.name] = 'is required';
      continue;
    }
    switch (f.kind) {
      case 'integer':
        if (!/^-?\d+$/.test(text.trim())) errors[f.name] = 'must be a whole number';
        else parameters[f.name] = Number(text.trim());
        break;
      case 'number': {
        const n = Number(text.trim());
        if (!Number.isFinite(n)) errors[f.name] = 'must be a number';
        else parameters[f.name] = n;
        break;
      }
      case 'array':
      case 'object': {
        const problem = jsonProblem(text, f.kind);
        if (problem) errors[f.name] = problem;
        else parameters[f.name] = JSON.parse(text);
        break;
      }
      default:
        parameters[f.name] = text;
    }
  }
  for (const f of opts.keepDefaults ? [] : fields) {
    if (
      f.name in parameters &&
      f.kind !== 'secret' &&
      JSON.stringify(parameters[f.name]) === JSON.stringify(f.default)
    ) {
      delete parameters[f.name];
    }
  }
  return { parameters, errors };
}

/** Why JSON text is not a value of `kind`, or undefined when it is. */
export function jsonProblem(text: string, kind: 'array' | 'object'): string | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return `is not valid JSON (${e instanceof Error ? e.message : String(e)})`;
  }
  if (kind === 'array' && !Array.isArray(v)) return 'must be a JSON array, e.g. ["a", "b"]';
  if (kind === 'object' && (typeof v !== 'object' || v === null || Array.isArray(v))) {
    return 'must be a JSON object, e.g. {"key": "value"}';
  }
  return undefined;
}
