import type { CompiledTemplate, Instr } from './compile-format.js';
import type { ParsedCommand } from './parse-command.js';

/** The state of one run; plain functions over it rather than closures, which are costly on the hot path. */
interface Run {
  prog: Instr[];
  cmd: ParsedCommand;
  limit: number;
  width: number;
  spans: Int32Array;
  failed: Uint8Array | undefined;
}

/** Where a value that starts at `from` may end: where the instruction after it can begin. */
function ends(r: Run, pc: number, from: number, out: number[]): void {
  const ins = r.prog[pc];
  if (ins === undefined) {
    out.push(r.limit);
    return;
  }
  switch (ins.op) {
    case 'lit': {
      const lower = r.cmd.lower;
      for (
        let q = lower.indexOf(ins.lower, from + 1);
        q >= 0 && q + ins.lower.length <= r.limit;
        q = lower.indexOf(ins.lower, q + 1)
      ) {
        out.push(q);
      }
      return;
    }
    case 'sep':
      for (const q of r.cmd.sepStarts) if (q > from && q < r.limit) out.push(q);
      return;
    case 'param':
      for (let q = from + 1; q <= r.limit; q++) out.push(q);
      return;
    case 'opt':
      ends(r, pc + 1, from, out);
      ends(r, ins.skip, from, out);
      return;
  }
}

function step(r: Run, pc: number, pos: number): boolean {
  const ins = r.prog[pc];
  if (ins === undefined) return pos === r.limit;
  const key = pc * r.width + pos;
  if (r.failed !== undefined && r.failed[key] === 1) return false;
  const cmd = r.cmd;
  let ok = false;
  switch (ins.op) {
    case 'lit': {
      const end = pos + ins.lower.length;
      ok =
        end <= r.limit &&
        cmd.boundary[pos] === 1 &&
        cmd.boundary[end] === 1 &&
        cmd.lower.startsWith(ins.lower, pos) &&
        step(r, pc + 1, end);
      break;
    }
    case 'sep': {
      const end = cmd.sepEnd[pos] ?? -1;
      ok = end > 0 && end <= r.limit && step(r, pc + 1, end);
      break;
    }
    case 'opt':
      ok = step(r, pc + 1, pos) || step(r, ins.skip, pos);
      break;
    case 'param': {
      if (pos >= r.limit || cmd.boundary[pos] !== 1 || cmd.inSep[pos] === 1) break;
      const cands: number[] = [];
      ends(r, pc + 1, pos, cands);
      if (cands.length > 1) cands.sort(ins.greedy ? (a, b) => b - a : (a, b) => a - b);
      let last = -1;
      for (const e of cands) {
        if (e === last || e <= pos || cmd.boundary[e] !== 1 || cmd.inSep[e - 1] === 1) continue;
        last = e;
        if (step(r, pc + 1, e)) {
          // Only the successful path writes spans: success propagates straight to the top.
          r.spans[ins.slot * 2] = pos;
          r.spans[ins.slot * 2 + 1] = e;
          ok = true;
          break;
        }
      }
      break;
    }
  }
  if (!ok) {
    r.failed ??= new Uint8Array(r.prog.length * r.width);
    r.failed[key] = 1;
  }
  return ok;
}

/**
 * Runs a compiled template over the first `limit` characters of a parsed command (the rest are
 * `key=value` pairs being tried as extras). Returns each slot's [start, end) in `cmd.text` (-1 when an
 * optional placeholder is absent), or undefined. Placeholders are lazy (the shortest value that lets
 * the rest match) except the last one, which is greedy ("takes the rest"). A value only ends where what
 * follows it can begin, and failed (instruction, position) pairs are remembered, so the work is bounded
 * by instructions x positions even for adversarial input.
 */
export function matchTemplate(t: CompiledTemplate, cmd: ParsedCommand, limit: number): Int32Array | undefined {
  // Cheap rejection first: every literal must occur somewhere in the text.
  for (const lit of t.literals) if (!cmd.lower.includes(lit)) return undefined;
  const r: Run = {
    prog: t.prog,
    cmd,
    limit,
    width: limit + 1,
    spans: new Int32Array(t.slots.length * 2).fill(-1),
    failed: undefined,
  };
  return step(r, 0, 0) ? r.spans : undefined;
}
