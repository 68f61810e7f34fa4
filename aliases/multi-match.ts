import type { CompiledFormat } from './compile-format.js';
import { regexValues } from './extract.js';
import { countSteps } from './match-steps.js';
import type { ParsedCommand } from './parse-command.js';
import { type BuiltRegex, boundedRegex, buildFormatRegex } from './regex-source.js';

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * The unanchored, global RegExp a `match_multiple` format is searched with. Regex formats use their own
 * pattern; a template becomes literal text (spaces match any whitespace run) with each placeholder
 * matching one word or one quoted value, since "the rest of the command" means nothing mid-sentence.
 */
function multiRegex(c: CompiledFormat): BuiltRegex {
  if (c.kind === 'regex') return buildFormatRegex(c.parsed.parts, { multiple: true });
  const groups: BuiltRegex['groups'] = [];
  let body = '';
  const parts = c.parsed.parts;
  parts.forEach((p, i) => {
    if (p.kind === 'literal') {
      body += p.text.split(/\s+/).map(escapeRegex).join('\\s+');
      return;
    }
    const group = `sqp${groups.length}`;
    groups.push(p.default === undefined ? { group, param: p.name } : { group, param: p.name, default: p.default });
    const lazy = i + 1 < parts.length ? '?' : '';
    const value = `(?<${group}>"[^"]*"|'[^']*'|\\S+${lazy})`;
    body += p.default === undefined ? value : `(?:${value})?`;
  });
  const source = `(?<!\\w)(?:${body.trim()})(?!\\w)`;
  // Searched at every position, and each placeholder is one word: degree 2 whatever the placeholders.
  return boundedRegex(new RegExp(source, 'gis'), groups, 2);
}

/** Every non-overlapping occurrence of a match_multiple format in the command, as parameters. */
export function findOccurrences(c: CompiledFormat, cmd: ParsedCommand): Record<string, string>[] {
  c.multi ??= multiRegex(c);
  const out: Record<string, string>[] = [];
  if (cmd.text.length > c.multi.maxLength) return out;
  countSteps(c.multi.stepsFor(cmd.text.length));
  for (const m of cmd.text.matchAll(c.multi.regex)) {
    if (m[0] === '') continue;
    out.push(regexValues(c.multi, m as RegExpExecArray));
  }
  return out;
}
