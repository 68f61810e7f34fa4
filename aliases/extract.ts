import { SquallError } from '../engine/errors.js';
import { type CompiledFormat, type CompiledTemplate, compileFormat } from './compile-format.js';
import type { ParsedFormat } from './format-parts.js';
import { countSteps } from './match-steps.js';
import { commandTooLong, type ParsedCommand, parseCommand } from './parse-command.js';
import type { BuiltRegex } from './regex-source.js';
import { literalsPresent, matchTemplate, templatePrefix, templateReaches } from './template-match.js';

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

function regexAt(
  c: CompiledFormat & { kind: 'regex' },
  cmd: ParsedCommand,
  limit: number,
): Record<string, string> | undefined {
  if (limit > c.built.maxLength) return undefined;
  countSteps(c.built.stepsFor(limit));
  const m = c.built.regex.exec(cmd.text.slice(0, limit));
  return m === null ? undefined : regexValues(c.built, m);
}

/** Where the kept text ends when the last `k` trailing `key=value` words are taken as parameters. */
function limitFor(cmd: ParsedCommand, k: number): number {
  const kept = cmd.words.length - k;
  return kept === 0 ? 0 : (cmd.words[kept - 1]?.end ?? 0);
}

/**
 * The format's values for the most trailing `key=value` pairs that still leave a match (see the
 * module docs): pairs are extra parameters only when the rest of the command still matches the format
 * without them, otherwise they are part of the text. So `run date timeout=5` with `run {{cmd}}` gives
 * cmd `date` and timeout `5`, while `run a=b` keeps `a=b` as the command (`run` alone does not match).
 */
function valuesWithPairs(
  c: CompiledFormat,
  cmd: ParsedCommand,
): { values: Record<string, string>; pairs: number } | undefined {
  if (c.kind === 'regex') {
    for (let k = cmd.kv.length; k >= 0; k--) {
      const values = regexAt(c, cmd, limitFor(cmd, k));
      if (values !== undefined) return { values, pairs: k };
    }
    return undefined;
  }
  if (!literalsPresent(c, cmd)) return undefined;
  let k = 0;
  if (cmd.kv.length > 0) {
    // One table from the start tells which splits can match; only that one is then read out.
    const reach = templatePrefix(c, cmd);
    for (k = cmd.kv.length; k >= 0; k--) if (templateReaches(c, reach, cmd, limitFor(cmd, k))) break;
    if (k < 0) return undefined;
  }
  const values = templateValues(c, cmd, limitFor(cmd, k));
  return values === undefined ? undefined : { values, pairs: k };
}

/**
 * Matches one compiled format against a parsed command (see valuesWithPairs for trailing `key=value`
 * pairs; a pair that is taken overrides a value from the format, and the last of two same-named pairs wins).
 */
export function matchFormat(c: CompiledFormat, cmd: ParsedCommand): FormatMatch | undefined {
  const found = valuesWithPairs(c, cmd);
  if (found === undefined) return undefined;
  const { values, pairs } = found;
  for (const pair of cmd.kv.slice(cmd.kv.length - pairs)) values[pair.key] = pair.value;
  return { parameters: values, score: c.score };
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
  const tooLong = commandTooLong(command);
  if (tooLong !== undefined) return { ok: false, reason: tooLong.message };
  const m = matchFormat(compiled, parseCommand(command));
  if (m === undefined) {
    return {
      ok: false,
      reason: `Command ${JSON.stringify(command)} does not match format ${JSON.stringify(compiled.parsed.source)}`,
    };
  }
  return { ok: true, parameters: m.parameters, score: m.score };
}
