import type { CompiledTemplate, Instr } from './compile-format.js';
import { countSteps } from './match-steps.js';
import type { ParsedCommand } from './parse-command.js';

/*
 * A template is a flat program (see compile-format.ts) run over a parsed command with a table of
 * (instruction, position) cells, one row per instruction, so the work is instructions x characters
 * whatever the input: no backtracking. A placeholder's value may end at any word boundary; a row is
 * computed from the row after it with one sweep over the positions.
 */

/** May a value start here: inside the text, at a value boundary, not inside a separator. */
const mayStart = (cmd: ParsedCommand, pos: number, limit: number): boolean =>
  pos < limit && cmd.boundary[pos] === 1 && cmd.inSep[pos] !== 1;
/** May a value end here (exclusive end): at a value boundary, not right after a separator character. */
const mayEnd = (cmd: ParsedCommand, e: number): boolean => e > 0 && cmd.boundary[e] === 1 && cmd.inSep[e - 1] !== 1;

/**
 * Tables are reused between calls instead of allocated: matching runs synchronously, a command is
 * tried against many formats, and allocating a typed array per format was a tenth of the matcher's time.
 * The suffix and the prefix table are used together (extract.ts), so each has its own buffer.
 */
const scratch = { suffix: new Uint8Array(4096), prefix: new Uint8Array(4096) };

function cleared(which: keyof typeof scratch, size: number): Uint8Array {
  let buf = scratch[which];
  if (buf.length < size) {
    buf = new Uint8Array(Math.max(size, buf.length * 2));
    scratch[which] = buf;
  } else buf.fill(0, 0, size);
  return buf;
}

function litAt(cmd: ParsedCommand, ins: { lower: string }, pos: number, limit: number): number {
  const end = pos + ins.lower.length;
  return end <= limit && cmd.boundary[pos] === 1 && cmd.boundary[end] === 1 && cmd.lower.startsWith(ins.lower, pos)
    ? end
    : -1;
}

/**
 * Which positions each instruction from `from` on can start at and still reach the end exactly at
 * `limit`: `ok[pc * w + pos]`, for positions from `start` (the only ones the match can be at by then).
 * Computed from the last instruction back.
 */
function suffixTable(
  prog: readonly Instr[],
  cmd: ParsedCommand,
  limit: number,
  from: number,
  start: number,
): Uint8Array {
  const w = limit + 1;
  const ok = cleared('suffix', (prog.length + 1) * w);
  ok[prog.length * w + limit] = 1;
  for (let pc = prog.length - 1; pc >= from; pc--) {
    const ins = prog[pc] as Instr;
    const row = pc * w;
    const next = row + w;
    switch (ins.op) {
      case 'lit': {
        // Only positions whose end the rest can continue from are worth comparing text at.
        const len = ins.lower.length;
        for (let pos = start; pos + len <= limit; pos++) {
          if (ok[next + pos + len] === 1 && litAt(cmd, ins, pos, limit) >= 0) ok[row + pos] = 1;
        }
        break;
      }
      case 'sep':
        for (let pos = start; pos < limit; pos++) {
          const end = cmd.sepEnd[pos] as number;
          if (end > 0 && end <= limit && ok[next + end] === 1) ok[row + pos] = 1;
        }
        break;
      case 'opt': {
        const skip = ins.skip * w;
        for (let pos = start; pos <= limit; pos++) if (ok[next + pos] === 1 || ok[skip + pos] === 1) ok[row + pos] = 1;
        break;
      }
      case 'param': {
        // Sweep right to left: a value starting at pos works if some later end works.
        let endAfter = false;
        for (let pos = limit; pos >= start; pos--) {
          if (endAfter && mayStart(cmd, pos, limit)) ok[row + pos] = 1;
          if (ok[next + pos] === 1 && mayEnd(cmd, pos)) endAfter = true;
        }
        break;
      }
    }
  }
  countSteps((prog.length - from + 1) * (w - start));
  return ok;
}

/**
 * The positions each instruction can be reached at from the start, whatever the end: `reach[pc * w + pos]`
 * over the whole text. The end of the program is reached at exactly the limits at which the template
 * matches, so one table answers every `key=value` split at once.
 */
function prefixTable(prog: readonly Instr[], cmd: ParsedCommand): Uint8Array {
  const n = cmd.text.length;
  const w = n + 1;
  const reach = cleared('prefix', (prog.length + 1) * w);
  reach[0] = 1;
  for (let pc = 0; pc < prog.length; pc++) {
    const ins = prog[pc] as Instr;
    const row = pc * w;
    const next = row + w;
    switch (ins.op) {
      case 'lit':
        for (let pos = 0; pos <= n; pos++) {
          if (reach[row + pos] !== 1) continue;
          const end = litAt(cmd, ins, pos, n);
          if (end >= 0) reach[next + end] = 1;
        }
        break;
      case 'sep':
        for (let pos = 0; pos < n; pos++) {
          const end = cmd.sepEnd[pos] as number;
          if (reach[row + pos] === 1 && end > 0) reach[next + end] = 1;
        }
        break;
      case 'opt': {
        const skip = ins.skip * w;
        for (let pos = 0; pos <= n; pos++) {
          if (reach[row + pos] !== 1) continue;
          reach[next + pos] = 1;
          reach[skip + pos] = 1;
        }
        break;
      }
      case 'param': {
        let started = false;
        for (let pos = 0; pos <= n; pos++) {
          if (started && mayEnd(cmd, pos)) reach[next + pos] = 1;
          if (reach[row + pos] === 1 && mayStart(cmd, pos, n)) started = true;
        }
        break;
      }
    }
  }
  countSteps((prog.length + 1) * w);
  return reach;
}

/** Does the template match the first `limit` characters exactly? Read off a prefix table. */
export function templateReaches(t: CompiledTemplate, reach: Uint8Array, cmd: ParsedCommand, limit: number): boolean {
  return reach[t.prog.length * (cmd.text.length + 1) + limit] === 1;
}

/** Every literal the template always contains occurs somewhere in the command: a cheap first test. */
export function literalsPresent(t: CompiledTemplate, cmd: ParsedCommand): boolean {
  for (const lit of t.literals) if (!cmd.lower.includes(lit)) return false;
  return true;
}

/** The template's prefix table for a command, for testing several limits (see templateReaches). */
export function templatePrefix(t: CompiledTemplate, cmd: ParsedCommand): Uint8Array {
  return prefixTable(t.prog, cmd);
}

/**
 * Runs a compiled template over the first `limit` characters of a parsed command (the rest are
 * `key=value` pairs being tried as extras). Returns each slot's [start, end) in `cmd.text` (-1 when an
 * optional placeholder is absent), or undefined. Placeholders are lazy (the shortest value that lets
 * the rest match) except the last one, which is greedy ("takes the rest"); an optional group is taken
 * when the rest can match with it.
 */
export function matchTemplate(t: CompiledTemplate, cmd: ParsedCommand, limit: number): Int32Array | undefined {
  if (!literalsPresent(t, cmd)) return undefined;
  const prog = t.prog;
  // The leading literal words and separators have one place each: checked in a walk, no table rows.
  let pc = 0;
  let pos = 0;
  for (; pc < prog.length; pc++) {
    const ins = prog[pc] as Instr;
    if (ins.op === 'lit') pos = litAt(cmd, ins, pos, limit);
    else if (ins.op === 'sep') {
      const end = pos < limit ? (cmd.sepEnd[pos] as number) : -1;
      pos = end > 0 && end <= limit ? end : -1;
    } else break;
    if (pos < 0) return undefined;
  }
  const ok = suffixTable(prog, cmd, limit, pc, pos);
  const w = limit + 1;
  if (ok[pc * w + pos] !== 1) return undefined;
  const spans = new Int32Array(t.slots.length * 2).fill(-1);
  while (pc < prog.length) {
    const ins = prog[pc] as Instr;
    const next = (pc + 1) * w;
    switch (ins.op) {
      case 'lit':
        pos += ins.lower.length;
        pc++;
        break;
      case 'sep':
        pos = cmd.sepEnd[pos] as number;
        pc++;
        break;
      case 'opt':
        pc = ok[next + pos] === 1 ? pc + 1 : ins.skip;
        break;
      case 'param': {
        let e = -1;
        if (ins.greedy) {
          for (let q = limit; q > pos; q--)
            if (ok[next + q] === 1 && mayEnd(cmd, q)) {
              e = q;
              break;
            }
        } else {
          for (let q = pos + 1; q <= limit; q++)
            if (ok[next + q] === 1 && mayEnd(cmd, q)) {
              e = q;
              break;
            }
        }
        spans[ins.slot * 2] = pos;
        spans[ins.slot * 2 + 1] = e;
        pos = e;
        pc++;
        break;
      }
    }
  }
  return spans;
}
