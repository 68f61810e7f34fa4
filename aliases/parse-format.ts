import nearley from 'nearley';
import { SquallError } from '../engine/errors.js';
import { translatePythonRegex } from '../lib/python-regex.js';
import { createFormatLexer } from './format-lexer.js';
import type { FormatPart, ParsedFormat } from './format-parts.js';
import formatGrammar from './grammar/format.grammar.js';
import { buildFormatRegex } from './regex-source.js';

export type { FormatPart, ParsedFormat } from './format-parts.js';

interface Span {
  start: number;
  end: number;
}
type GrammarPart = ({ kind: 'literal' } & Span) | ({ kind: 'param'; name: string; default: Span | null } & Span);
interface Cons<T> {
  head: T;
  tail: Cons<T> | null;
}

const grammar = nearley.Grammar.fromCompiled(formatGrammar as unknown as nearley.CompiledRules);
const QUOTE_PAIRS: Record<string, string> = { '"': '"', "'": "'", '\u201C': '\u201D', '\u2018': '\u2019' };

/**
 * The rule that keeps StackStorm regex formats working while making everything else literal: a format
 * is a regular expression only if its text outside placeholders has one of these unmistakable marks.
 */
export function looksLikeRegex(literalText: string): boolean {
  return (
    literalText.includes('(?P<') ||
    literalText.includes('(?:') ||
    /\\./s.test(literalText) ||
    literalText.startsWith('^') ||
    literalText.endsWith('$') ||
    /\([^()]*\|[^()]*\)/.test(literalText) ||
    // A quantified group, as real packs write optional parts: `show host( in {{zone}})? {{name}}`.
    /\)(?:[?*+]|\{\d+(?:,\d*)?\})/.test(literalText)
  );
}

/** A default as written, except that one pair of surrounding quotes is removed. */
function defaultValue(raw: string): string {
  const first = raw[0];
  if (raw.length >= 2 && first !== undefined) {
    const close = QUOTE_PAIRS[first];
    const last = raw[raw.length - 1] as string;
    if (close !== undefined && (last === close || last === first)) return raw.slice(1, -1);
  }
  return raw;
}

function invalid(format: string, problem: string): SquallError {
  return new SquallError('SQ_ALIAS_INVALID', `Invalid alias format ${JSON.stringify(format)}: ${problem}`, {
    details: { format },
  });
}

function runGrammar(format: string): GrammarPart[] {
  const parser = new nearley.Parser(grammar, { lexer: createFormatLexer() });
  try {
    parser.feed(format);
  } catch {
    throw invalid(format, 'a "{{" does not start a valid placeholder ({{ name }} or {{ name = default }})');
  }
  if (parser.results.length === 0) {
    throw invalid(format, 'a placeholder is not closed with "}}"');
  }
  const parts: GrammarPart[] = [];
  for (let c = parser.results[0] as Cons<GrammarPart> | null; c !== null; c = c.tail) parts.push(c.head);
  return parts.reverse();
}

/**
 * Parses an alias format with grammar/format.ne into literal text and placeholders, and decides
 * whether it is a template (literal text is literal) or a StackStorm-style regular expression.
 * Throws SquallError('SQ_ALIAS_INVALID') for a malformed placeholder, a repeated parameter or an
 * invalid regular expression.
 *
 * @example parseFormat('run {{cmd}} on {{hosts=localhost}}').params // ['cmd', 'hosts']
 */
export function parseFormat(format: string): ParsedFormat {
  const parts: FormatPart[] = [];
  for (const gp of runGrammar(format)) {
    if (gp.kind === 'literal') {
      const text = format.slice(gp.start, gp.end);
      const prev = parts[parts.length - 1];
      if (prev?.kind === 'literal') prev.text += text;
      else parts.push({ kind: 'literal', text });
    } else if (gp.default === null) {
      parts.push({ kind: 'param', name: gp.name });
    } else {
      parts.push({
        kind: 'param',
        name: gp.name,
        default: defaultValue(format.slice(gp.default.start, gp.default.end)),
      });
    }
  }
  const params: string[] = [];
  for (const p of parts) {
    if (p.kind !== 'param') continue;
    if (params.includes(p.name)) throw invalid(format, `parameter "${p.name}" appears more than once`);
    params.push(p.name);
  }
  // Placeholders are replaced by a neutral letter so that they cannot complete a regex mark.
  const literalText = parts.map((p) => (p.kind === 'literal' ? p.text : 'x')).join('');
  const kind = looksLikeRegex(literalText) ? 'regex' : 'template';
  if (kind === 'regex') {
    const source = parts.map((p) => (p.kind === 'literal' ? p.text : '')).join('');
    const translated = translatePythonRegex(source);
    for (const name of translated.groupNames) {
      if (params.includes(name)) throw invalid(format, `parameter "${name}" appears more than once`);
      params.push(name);
    }
    try {
      buildFormatRegex(parts, { multiple: false });
    } catch (e) {
      throw invalid(format, `not a valid regular expression (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  return { source: format, kind, parts, params };
}
