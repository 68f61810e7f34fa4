import { type FormatPart, type ParsedFormat, parseFormat } from './parse-format.js';
import { type BuiltRegex, buildFormatRegex, regexLiteralScore } from './regex-source.js';
import { lowerSameLength } from './text-utils.js';

/**
 * A template format compiled to a tiny program the matcher runs over a parsed command:
 * `lit` must match case-insensitively, `sep` must sit on a separator (any whitespace run), `param`
 * takes a value, `opt` tries the following instructions and otherwise jumps to `skip` (an optional
 * placeholder and its separating space).
 */
export type Instr =
  | { op: 'lit'; lower: string }
  | { op: 'sep' }
  | { op: 'param'; slot: number; greedy: boolean }
  | { op: 'opt'; skip: number };

export interface Slot {
  name: string;
  default?: string;
}

export interface CompiledTemplate {
  kind: 'template';
  parsed: ParsedFormat;
  prog: Instr[];
  slots: Slot[];
  /** Literal characters (whitespace excluded) every match contains. */
  score: number;
  /** Lower-cased literal words, longest first: a command lacking one cannot match. */
  literals: string[];
  /** Lower-cased first word when the format starts with a whole literal word; used to index aliases. */
  firstWord?: string;
  /** Lower-cased second word when the first two words are both whole literal words. */
  secondWord?: string;
  /** For match_multiple: the template as an unanchored global RegExp, built on first use. */
  multi?: BuiltRegex;
}

export interface CompiledRegex {
  kind: 'regex';
  parsed: ParsedFormat;
  built: BuiltRegex;
  score: number;
  multi?: BuiltRegex;
}

export type CompiledFormat = CompiledTemplate | CompiledRegex;

type Tok = { t: 'lit'; text: string } | { t: 'sep' } | { t: 'param'; name: string; default?: string };

const OPEN_QUOTES = '"\'\u201C\u2018';
const CLOSE_OF: Record<string, string> = { '"': '"', "'": "'", '\u201C': '\u201D', '\u2018': '\u2019' };

function tokensOf(parts: readonly FormatPart[]): Tok[] {
  const toks: Tok[] = [];
  for (const p of parts) {
    if (p.kind === 'param') {
      toks.push(
        p.default === undefined ? { t: 'param', name: p.name } : { t: 'param', name: p.name, default: p.default },
      );
      continue;
    }
    for (const piece of p.text.split(/(\s+)/)) {
      if (piece === '') continue;
      if (/^\s/.test(piece)) {
        if (toks.at(-1)?.t !== 'sep') toks.push({ t: 'sep' });
      } else toks.push({ t: 'lit', text: piece });
    }
  }
  while (toks[0]?.t === 'sep') toks.shift();
  while (toks.at(-1)?.t === 'sep') toks.pop();
  // `"{{msg}}"`: quoted values lose their quotes anyway, so quotes written around a placeholder are
  // dropped and the value may be typed with or without them (StackStorm also makes them optional).
  for (let i = 1; i + 1 < toks.length; i++) {
    const before = toks[i - 1] as Tok;
    const after = toks[i + 1] as Tok;
    if (toks[i]?.t !== 'param' || before.t !== 'lit' || after.t !== 'lit') continue;
    const open = before.text.at(-1) as string;
    if (!OPEN_QUOTES.includes(open) || (after.text[0] !== CLOSE_OF[open] && after.text[0] !== open)) continue;
    before.text = before.text.slice(0, -1);
    after.text = after.text.slice(1);
  }
  return toks.filter((t) => t.t !== 'lit' || t.text !== '');
}

/**
 * Optional placeholders introduced by literal words: `{{app}} to {{env=staging}}`, where the words sit
 * between another placeholder and the optional one, which ends the format. Maps the index of the separator that opens such a
 * run to the index of the optional placeholder it introduces. The words are optional with it (StackStorm
 * requires them), so `deploy api` matches `deploy {{app}} to {{env=staging}}`. Words that are not after
 * a placeholder (`list sensors {{pack=core}}`) stay required: they name the command.
 */
function introducedOptionals(toks: readonly Tok[]): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i] as Tok;
    // Only at the end of the format: words before later text also end the value before them.
    if (t.t !== 'param' || t.default === undefined || toks[i - 1]?.t !== 'sep' || i !== toks.length - 1) continue;
    let j = i - 1;
    let words = 0;
    while (j >= 0 && (toks[j]?.t === 'sep' || toks[j]?.t === 'lit')) {
      if (toks[j]?.t === 'lit') words++;
      j--;
    }
    // toks[j] must be a placeholder, followed by the separator that opens the run.
    if (j < 0 || words === 0 || toks[j + 1]?.t !== 'sep') continue;
    out.set(j + 1, i);
  }
  return out;
}

/** Is instruction pc inside some optional group (between an `opt` and its skip target)? */
function insideOptional(prog: readonly Instr[], pc: number): boolean {
  for (let k = 0; k < pc; k++) {
    const ins = prog[k] as Instr;
    if (ins.op === 'opt' && ins.skip > pc) return true;
  }
  return false;
}

function compileTemplate(parsed: ParsedFormat): CompiledTemplate {
  const toks = tokensOf(parsed.parts);
  const slots: Slot[] = [];
  const prog: Instr[] = [];
  let score = 0;
  let lastParam = -1;
  toks.forEach((t, i) => {
    if (t.t === 'param') lastParam = i;
  });
  const used = new Set<number>();
  const introductions = introducedOptionals(toks);
  for (let i = 0; i < toks.length; i++) {
    if (used.has(i)) continue;
    const t = toks[i] as Tok;
    const introduced = introductions.get(i);
    if (introduced !== undefined) {
      // `to {{env=staging}}` after another placeholder: the words and the placeholder are one optional group.
      const opt: Instr = { op: 'opt', skip: 0 };
      prog.push(opt);
      for (let k = i; k <= introduced; k++) {
        const tk = toks[k] as Tok;
        used.add(k);
        if (tk.t === 'sep') prog.push({ op: 'sep' });
        else if (tk.t === 'lit') {
          const lower = lowerSameLength(tk.text);
          prog.push({ op: 'lit', lower });
          score += tk.text.length;
        } else {
          const slot = slots.length;
          slots.push(tk.default === undefined ? { name: tk.name } : { name: tk.name, default: tk.default });
          prog.push({ op: 'param', slot, greedy: k === lastParam });
        }
      }
      opt.skip = prog.length;
      continue;
    }
    if (t.t === 'lit') {
      prog.push({ op: 'lit', lower: lowerSameLength(t.text) });
      score += t.text.length;
      continue;
    }
    if (t.t === 'sep') {
      // A separator taken by the optional placeholder after it is emitted inside that group.
      if (toks[i + 1]?.t === 'param' && (toks[i + 1] as { default?: string }).default !== undefined) continue;
      prog.push({ op: 'sep' });
      continue;
    }
    const slot = slots.length;
    slots.push(t.default === undefined ? { name: t.name } : { name: t.name, default: t.default });
    const param: Instr = { op: 'param', slot, greedy: i === lastParam };
    if (t.default === undefined) {
      prog.push(param);
      continue;
    }
    const opt: Instr = { op: 'opt', skip: 0 };
    prog.push(opt);
    const sepBefore = toks[i - 1]?.t === 'sep' && !used.has(i - 1);
    if (sepBefore) {
      prog.push({ op: 'sep' }, param);
    } else if (toks[i + 1]?.t === 'sep') {
      prog.push(param, { op: 'sep' });
      used.add(i + 1);
    } else prog.push(param);
    if (sepBefore) used.add(i - 1);
    opt.skip = prog.length;
  }
  const first = prog[0];
  const second = prog[1];
  const required = new Set<string>();
  prog.forEach((ins, pc) => {
    if (ins.op === 'lit' && !insideOptional(prog, pc)) required.add(ins.lower);
  });
  const literals = [...required].sort((a, b) => b.length - a.length);
  const compiled: CompiledTemplate = { kind: 'template', parsed, prog, slots, score, literals };
  if (first?.op === 'lit' && (second === undefined || second.op === 'sep')) {
    compiled.firstWord = first.lower;
    const third = prog[2];
    const fourth = prog[3];
    if (third?.op === 'lit' && (fourth === undefined || fourth.op === 'sep')) compiled.secondWord = third.lower;
  }
  return compiled;
}

const cache = new WeakMap<ParsedFormat, CompiledFormat>();

/** Compiles a format once (cached per ParsedFormat). Throws SQ_ALIAS_INVALID like parseFormat. */
export function compileFormat(format: string | ParsedFormat): CompiledFormat {
  const parsed = typeof format === 'string' ? parseFormat(format) : format;
  const hit = cache.get(parsed);
  if (hit !== undefined) return hit;
  const compiled: CompiledFormat =
    parsed.kind === 'template'
      ? compileTemplate(parsed)
      : {
          kind: 'regex',
          parsed,
          built: buildFormatRegex(parsed.parts, { multiple: false }),
          score: regexLiteralScore(parsed.parts.map((p) => (p.kind === 'literal' ? p.text : '')).join('')),
        };
  cache.set(parsed, compiled);
  return compiled;
}
