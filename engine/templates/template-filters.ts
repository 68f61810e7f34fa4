import { stringify as toYaml } from 'yaml';
import { translatePythonRegex, translatePythonReplacement } from '../../lib/python-regex.js';

/**
 * Filters StackStorm content commonly uses that minijinja lacks (st2common/jinja/filters). Each gets
 * its arguments already converted to plain JSON values.
 */
export const FILTERS: Record<string, (value: unknown, ...args: unknown[]) => unknown> = {
  to_json_string: (value, indent, sortKeys) =>
    JSON.stringify(sortKeys ? sortDeep(value) : value, null, typeof indent === 'number' ? indent : undefined) ?? 'null',
  from_json_string: (value) => JSON.parse(String(value)) as unknown,
  to_yaml_string: (value) => toYaml(value ?? null),
  json_escape: (value) => JSON.stringify(String(value ?? '')).slice(1, -1),
  regex_match: (value, pattern) => pyRegex(pattern, 'y').test(String(value ?? '')),
  regex_search: (value, pattern) => pyRegex(pattern, '').test(String(value ?? '')),
  regex_replace: (value, pattern, replacement) =>
    String(value ?? '').replace(pyRegex(pattern, 'g'), translatePythonReplacement(String(replacement ?? ''))),
};

/** A Python pattern (StackStorm's filters use `re`) as a JavaScript RegExp, its inline flags included. */
function pyRegex(pattern: unknown, flags: string): RegExp {
  const t = translatePythonRegex(String(pattern ?? ''));
  return new RegExp(t.source, flags + t.flags);
}

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortDeep((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}
