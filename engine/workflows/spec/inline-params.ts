/**
 * orquesta's inline `key=value` parsing (orquesta/utils/parameters.py), used by `action: pack.act k=v`
 * and by the inline `publish: a=<% ... %> b="x"` form. Unquoted values are JSON (`5`, `true`, `[1]`);
 * quoted values are strings unless they hold a JSON object; expressions stay as written.
 */
const VALUE = String.raw`\[.*?\]|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[-+]?\d+\.\d+|[-+]?\d+|(?:true|false)\b|null\b|<%.*?%>|\{\{.*?\}\}`;
const PAIR = new RegExp(String.raw`(\w+)=(${VALUE})`, 'gis');

export interface InlineParam {
  readonly key: string;
  readonly value: unknown;
}

export function parseInlineParams(text: string): InlineParam[] {
  const out: InlineParam[] = [];
  for (const m of text.matchAll(PAIR)) out.push({ key: m[1] as string, value: typed(m[2] as string) });
  return out;
}

function typed(raw: string): unknown {
  const quote = raw[0];
  if ((quote === '"' || quote === "'") && raw.endsWith(quote)) {
    const inner = raw.slice(1, -1);
    if (/^\s*\{.*\}\s*$/s.test(inner)) {
      try {
        return JSON.parse(inner) as unknown;
      } catch {
        return inner;
      }
    }
    return inner;
  }
  if (raw.startsWith('<%') || raw.startsWith('{{')) return raw;
  if (/^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}
