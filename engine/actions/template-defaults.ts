import type { KeyLookup } from '../datastore/kv-lookup.js';
import { collectKvRefs, emptyKvRefs, loadKvContext } from '../datastore/kv-template-context.js';
import { SquallError } from '../errors.js';
import type { ParamSpec, ParamSpecs } from '../model/action.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import { renderDeep } from '../templates/templates.js';
import { type ParamProblem, resolveParameters } from './parameters.js';

/** What parameter defaults that are templates may read, supplied by the composition root. */
export interface TemplateDefaultsSource {
  /** The datastore, for `st2kv.system.*` and `st2kv.user.*`. */
  kv?: KeyLookup;
  /** For `| decrypt_kv`. */
  decrypt?: (stored: string) => string;
  /** The resolved config of a pack, for `config_context`. */
  packConfig?: (pack: string, user: string) => Promise<JsonObject>;
}

const isTemplate = (v: unknown): boolean =>
  typeof v === 'string' ? v.includes('{{') || v.includes('{%') : JSON.stringify(v ?? null).includes('{{');

/** The parameters whose default is a template and that the caller did not give. */
function templatedDefaults(specs: ParamSpecs, given: Record<string, unknown>): string[] {
  return Object.entries(specs)
    .filter(([name, spec]) => {
      if (!isTemplate(spec.default)) return false;
      const v = given[name];
      return spec.immutable === true || v === undefined || v === null;
    })
    .map(([name]) => name);
}

/**
 * StackStorm renders parameter defaults such as `"{{ st2kv.system.region }}"` or
 * `"{{ config_context.api_url }}"` when an execution is scheduled. This does that once, for every
 * caller (chat, API, rules, re-runs): it returns `specs` with each template default replaced by its
 * rendered value, cast to the parameter's type, so that validation then treats it as any default.
 *
 * The template sees `st2kv`, `config_context` (the action's pack config), `action_context` (the
 * execution context) and the other parameters' values. Values given by the caller are data: only
 * defaults (written by the pack's author) are rendered. A default may use another's result; a
 * cycle is an error.
 *
 * @throws SquallError SQ_PARAMETER_INVALID naming each parameter whose default cannot be rendered or cast
 */
export async function renderTemplateDefaults(
  specs: ParamSpecs,
  given: Record<string, unknown>,
  opts: {
    source: TemplateDefaultsSource;
    pack: string;
    user: string;
    context: JsonObject;
    subject: string;
  },
): Promise<ParamSpecs> {
  const pending = templatedDefaults(specs, given);
  if (pending.length === 0) return specs;
  const refs = emptyKvRefs();
  for (const name of pending) collectKvRefs(JSON.stringify(specs[name]?.default ?? null), refs);
  const kv = await loadKvContext(refs, opts.source.kv, opts.user);
  const needsConfig = pending.some((n) => JSON.stringify(specs[n]?.default).includes('config_context'));
  let config: JsonObject = {};
  if (needsConfig && opts.source.packConfig) {
    try {
      config = await opts.source.packConfig(opts.pack, opts.user);
    } catch (e) {
      throw invalid(opts.subject, [
        { parameter: pending[0] ?? '', problem: `the pack config cannot be read: ${(e as Error).message}` },
      ]);
    }
  }
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const v = given[name];
    if (v !== undefined && v !== null && spec.immutable !== true) values[name] = v;
    else if (spec.default !== undefined && !isTemplate(spec.default)) values[name] = spec.default;
  }
  const renderOpts = { strict: true, ...(opts.source.decrypt ? { decrypt: opts.source.decrypt } : {}) };
  const out: ParamSpecs = { ...specs };
  const problems: ParamProblem[] = [];
  const failed = new Set<string>();
  let left = [...pending];
  // A default naming another pending parameter waits for its typed value; each pass settles at least one or stops.
  while (left.length > 0) {
    const ready = left.filter((n) => !left.some((o) => o !== n && mentions(specs[n]?.default, o)));
    if (ready.length === 0) {
      for (const n of left)
        problems.push({ parameter: n, problem: `its default refers in a cycle to ${others(left, n)}` });
      break;
    }
    for (const name of ready) {
      const spec = specs[name];
      if (!spec) continue;
      // One cause, one message: a default built on a parameter that failed is not tried.
      if ([...failed].some((f) => mentions(spec.default, f))) {
        failed.add(name);
        continue;
      }
      const context = { ...values, st2kv: kv.st2kv, config_context: config, action_context: opts.context };
      let raw: unknown;
      try {
        raw = renderDeep(spec.default, context, renderOpts);
      } catch (e) {
        problems.push({ parameter: name, problem: `its default cannot be rendered: ${(e as Error).message}` });
        failed.add(name);
        continue;
      }
      const typed = castRendered(name, spec, raw, opts.subject);
      if ('problem' in typed) {
        problems.push({ parameter: name, problem: typed.problem });
        failed.add(name);
        continue;
      }
      if (typed.value === undefined) {
        const { default: _gone, ...rest } = spec;
        out[name] = rest;
      } else {
        out[name] = { ...spec, default: typed.value };
        values[name] = typed.value;
      }
    }
    left = left.filter((n) => !ready.includes(n));
  }
  if (problems.length) throw invalid(opts.subject, problems);
  return out;
}

/**
 * A rendered default typed as its parameter declares (`undefined`: rendered to nothing, so no
 * default; an absent key renders "", which for a non-string parameter means "not set").
 */
function castRendered(
  name: string,
  spec: ParamSpec,
  value: unknown,
  subject: string,
): { value: JsonValue | undefined } | { problem: string } {
  if (value === null || (value === '' && spec.type !== undefined && spec.type !== 'string'))
    return { value: undefined };
  try {
    const typed = resolveParameters(
      { [name]: { ...spec, immutable: false, required: false } },
      { [name]: value },
      {
        castStrings: true,
        subject,
      },
    );
    return { value: typed[name] };
  } catch (e) {
    if (!(e instanceof SquallError)) throw e;
    const problem = ((e.details?.errors as ParamProblem[] | undefined) ?? [])[0]?.problem ?? e.message;
    return { problem: `its default, once rendered: ${problem}` };
  }
}

function mentions(template: unknown, name: string): boolean {
  return new RegExp(`(?<![\\w.])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?!\\w)`).test(JSON.stringify(template));
}

function others(left: string[], n: string): string {
  return left.filter((o) => o !== n).join(', ');
}

function invalid(subject: string, problems: ParamProblem[]): SquallError {
  const list = problems.map((p) => `${p.parameter}: ${p.problem}`).join('; ');
  return new SquallError('SQ_PARAMETER_INVALID', `Invalid parameters for ${subject}: ${list}`, {
    details: { errors: problems },
  });
}
