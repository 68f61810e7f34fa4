import { stringify as toYaml } from 'yaml';

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
    String(value ?? '').replace(pyRegex(pattern, 'g'), pyReplacement(String(replacement ?? ''))),
};

/** Python's `(?P<name>...)` and `(?P=name)` are JavaScript's `(?<name>...)` and `\k<name>`. */
function pyRegex(pattern: unknown, flags: string): RegExp {
  const source = String(pattern ?? '')
    .replace(/\(\?P</g, '(?<')
    .replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
  return new RegExp(source, flags);
}

/** Python's `\1` and `\g<name>` in a replacement become `$1` and `$<name>`; a literal `$` stays literal. */
function pyReplacement(repl: string): string {
  return repl
    .replace(/\$/g, '$$$$')
    .replace(/\\g<(\w+)>/g, (_m, g: string) => (/^\d+$/.test(g) ? `$${g}` : `$<${g}>`))
    .replace(/\\(\d{1,2})/g, '$$$1');
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
