import {
  type DocumentOptions,
  type ParseOptions,
  parseDocument,
  type ScalarTag,
  type SchemaOptions,
  type Tags,
} from 'yaml';

/**
 * YAML as StackStorm reads pack files: PyYAML's SafeLoader, YAML 1.1. The `yaml` package's 1.1
 * schema is close; these are the differences that change values in real packs:
 * - booleans are only yes/no/true/false/on/off (lower, Title, UPPER): PyYAML reads `y` and `n` as strings;
 * - a float needs a dot, and an exponent needs a sign (`1e3` is the string "1e3" in PyYAML);
 * - timestamps stay strings, because pack content is JSON (PyYAML's `date` would be serialised anyway).
 * Duplicate keys are allowed (the last wins) and `<<` merges, as in PyYAML.
 */
const BOOL_TRUE = /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/;
const BOOL_FALSE = /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;
const EXP_FLOAT = /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*[eE][-+][0-9]+$/;

function pyYamlTags(tags: Tags): Tags {
  const out: Tags = [];
  for (const t of tags) {
    if (typeof t !== 'object' || !('tag' in t)) {
      out.push(t);
      continue;
    }
    if (t.tag === 'tag:yaml.org,2002:timestamp') continue;
    if (t.tag === 'tag:yaml.org,2002:bool' && 'test' in t && t.test instanceof RegExp) {
      const truthy = t.test.test('true');
      out.push({ ...(t as ScalarTag), test: truthy ? BOOL_TRUE : BOOL_FALSE });
      continue;
    }
    if (t.tag === 'tag:yaml.org,2002:float' && 'format' in t && t.format === 'EXP') {
      out.push({ ...(t as ScalarTag), test: EXP_FLOAT });
      continue;
    }
    out.push(t);
  }
  return out;
}

const OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  uniqueKeys: false,
  merge: true,
  prettyErrors: true,
  customTags: pyYamlTags,
};

export type PyYamlRead = { ok: true; data: unknown } | { ok: false; message: string; line?: number; col?: number };

/**
 * Parses one YAML document the way PyYAML does (see above). Quoted scalars whose continuation lines
 * are not indented deeper than their key, which PyYAML folds and `yaml` refuses, are read too.
 *
 * @example parsePyYaml('enabled: yes') // { ok: true, data: { enabled: true } }
 */
export function parsePyYaml(text: string): PyYamlRead {
  let read = parseOnce(text);
  if (!read.ok) {
    const fixed = indentQuotedContinuations(text);
    if (fixed !== text) {
      const again = parseOnce(fixed);
      if (again.ok) read = again;
    }
  }
  return read;
}

function parseOnce(text: string): PyYamlRead {
  const doc = parseDocument(text, OPTIONS);
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    const message = (err.message.split('\n', 1)[0] ?? err.message).replace(/ at line \d+, column \d+:?$/, '');
    return { ok: false, message, ...(pos ? { line: pos.line, col: pos.col } : {}) };
  }
  return { ok: true, data: doc.toJS({ maxAliasCount: 100 }) as unknown };
}

/**
 * Indents the continuation lines of multi-line quoted scalars under their key. Folding strips a
 * continuation line's leading spaces, so the value is unchanged; only the layout `yaml` rejects is fixed.
 */
export function indentQuotedContinuations(text: string): string {
  const lines = text.split('\n');
  let open: { quote: '"' | "'"; indent: string } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    let from = 0;
    if (open) {
      if (line.trim() !== '') lines[i] = `${open.indent}${line.trimStart()}`;
      const end = closingQuote(line, 0, open.quote);
      if (end < 0) continue;
      open = undefined;
      from = end + 1;
    }
    const start = openingQuote(line, from);
    if (!start) continue;
    if (closingQuote(line, start.at + 1, start.quote) < 0) {
      const keyIndent = /^\s*/.exec(line)?.[0] ?? '';
      open = { quote: start.quote, indent: `${keyIndent}  ` };
    }
  }
  return lines.join('\n');
}

/** A quote that starts a value on this line (after `key: `, `- ` or at the line's start). */
function openingQuote(line: string, from: number): { quote: '"' | "'"; at: number } | undefined {
  // A scalar that closes on a line which opens another is too rare in pack files to handle.
  if (from > 0) return undefined;
  const m = /^(\s*(?:-\s+)*(?:[^\s"'#][^:#]*:\s+)?)(["'])/.exec(line);
  return m ? { quote: m[2] as '"' | "'", at: (m[1] as string).length } : undefined;
}

/** Index of the quote that closes a scalar opened before `from`, or -1. */
function closingQuote(line: string, from: number, quote: '"' | "'"): number {
  for (let i = from; i < line.length; i++) {
    const c = line[i];
    if (quote === '"' && c === '\\') {
      i++;
      continue;
    }
    if (c !== quote) continue;
    if (quote === "'" && line[i + 1] === "'") {
      i++;
      continue;
    }
    return i;
  }
  return -1;
}
