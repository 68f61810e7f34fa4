import { SquallError } from '../engine/errors.js';
import { type CompiledFormat, type CompiledTemplate, compileFormat } from './compile-format.js';
import { type ParsedCommand, parseCommand } from './parse-command.js';
import type { ParsedFormat } from './parse-format.js';
import type { BuiltRegex } from './regex-source.js';
import { matchTemplate } from './template-match.js';

export type ExtractResult =
  | { ok: true; parameters: Record<string, string>; score: number }
  | { ok: false; reason: string };

/** A format's match on a command: the parameters (all strings, as typed) and its specificity. */
export interface FormatMatch {
  parameters: Record<string, string>;
  score: number;
}

const QUOTED = /^(?:"[^"]*"|'[^']*')$/s;

function templateValues(t: CompiledTemplate, cmd: ParsedCommand, limit: number): Record<string, string> | undefined {
  const spans = matchTemplate(t, cmd, limit);
  if (spans === undefined) return undefined;
  const out: Record<string, string> = {};
  t.slots.forEach((slot, i) => {
    const s = spans[i * 2] as number;
    const e = spans[i * 2 + 1] as number;
    if (s < 0) {
      if (slot.default !== undefined) out[slot.name] = slot.default;
      return;
    }
    const q = cmd.quoted.get(s);
    out[slot.name] = q !== undefined && q.end === e ? q.value : cmd.text.slice(s, e);
  });
  return out;
}

/** Reads a regex match's groups as parameters: trimmed, one pair of quotes removed, defaults for empty ones. */
export function regexValues(built: BuiltRegex, m: RegExpExecArray): Record<string, string> {
  const out: Record<string, string> = {};
  for (const g of built.groups) {
    let v = m.groups?.[g.group]?.trim();
    if (v !== undefined && QUOTED.test(v)) v = v.slice(1, -1);
    if (v === undefined || v === '') {
      if (g.default !== undefined) out[g.param] = g.default;
      else if (v !== undefined || !(g.param in out)) out[g.param] = v ?? '';
      continue;
    }
    out[g.param] = v;
  }
  return out;
}

function valuesAt(c: CompiledFormat, cmd: ParsedCommand, limit: number): Record<string, string> | undefined {
  if (c.kind === 'template') return templateValues(c, cmd, limit);
  if (limit > c.built.maxLength) return undefined;
  const m = c.built.regex.exec(cmd.text.slice(0, limit));
  return m === null ? undefined : regexValues(c.built, m);
}

/**
 * How many trailing `key=value` pairs to try taking as parameters, most first: pairs are extra
 * parameters only when the rest of the command still matches the format without them, otherwise
 * they are part of the text. So `run date timeout=5` with `run {{cmd}}` gives cmd `date` and timeout
 * `5`, while `run a=b` keeps `a=b` as the command (`run` alone does not match).
 */
function kvAttempts(cmd: ParsedCommand): number[] {
  const attempts: number[] = [];
  for (let k = cmd.kv.length; k >= 0; k--) attempts.push(k);
  return attempts;
}

/**
 * Matches one compiled format against a parsed command (see kvAttempts for trailing `key=value` pairs;
 * a pair that is taken overrides a value from the format, and the last of two same-named pairs wins).
 */
export function matchFormat(c: CompiledFormat, cmd: ParsedCommand): FormatMatch | undefined {
  const words = cmd.words;
  for (const k of kvAttempts(cmd)) {
    const kept = words.length - k;
    const limit = kept === 0 ? 0 : (words[kept - 1]?.end ?? 0);
    const values = valuesAt(c, cmd, limit);
    if (values === undefined) continue;
    for (const pair of cmd.kv.slice(cmd.kv.length - k)) values[pair.key] = pair.value;
    return { parameters: values, score: c.score };
  }
  return undefined;
}

/**
 * Extracts parameters from a command with one format: what `squall alias parse --format` prints.
 * Never throws for bad input: an invalid format or a non-matching command is `{ ok: false, reason }`.
 *
 * @example extractParameters('run {{cmd}} on {{hosts}}', 'run date on web1') // {ok: true, parameters: {cmd: 'date', hosts: 'web1'}, score: 5}
 */
export function extractParameters(format: string | ParsedFormat, command: string): ExtractResult {
  let compiled: CompiledFormat;
  try {
    compiled = compileFormat(format);
  } catch (e) {
    if (e instanceof SquallError) return { ok: false, reason: e.message };
    throw e;
  }
  const m = matchFormat(compiled, parseCommand(command));
  if (m === undefined) {
    return {
      ok: false,
      reason: `Command ${JSON.stringify(command)} does not match format ${JSON.stringify(compiled.parsed.source)}`,
    };
  }
  return { ok: true, parameters: m.parameters, score: m.score };
}
