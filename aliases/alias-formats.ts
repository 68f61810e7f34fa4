import type { ActionAlias } from '../engine/model/alias.js';

/** One matchable pattern of an alias, with the text help shows for it. */
export interface AliasFormatEntry {
  /** What help shows; undefined for a representation-only object (StackStorm hides those from help). */
  display: string | undefined;
  /** The pattern that is matched. */
  representation: string;
  multiple: boolean;
}

/**
 * Flattens an alias's `formats`: a string is both display and representation; an object contributes
 * each representation (a single string is allowed). An object with only `display` is matched by its
 * display, where StackStorm would match the empty string, which is never what the author meant.
 */
export function aliasFormatEntries(alias: ActionAlias): AliasFormatEntry[] {
  const out: AliasFormatEntry[] = [];
  for (const f of alias.formats ?? []) {
    if (typeof f === 'string') {
      out.push({ display: f, representation: f, multiple: false });
      continue;
    }
    const reps =
      f.representation === undefined ? [] : Array.isArray(f.representation) ? f.representation : [f.representation];
    const display = typeof f.display === 'string' && f.display !== '' ? f.display : undefined;
    const multiple = f.match_multiple === true;
    if (reps.length === 0 && display !== undefined) out.push({ display, representation: display, multiple });
    for (const r of reps) if (typeof r === 'string') out.push({ display, representation: r, multiple });
  }
  return out;
}

/** The display strings help lists for an alias, in order, without repeats. */
export function aliasDisplays(alias: ActionAlias): string[] {
  const out: string[] = [];
  for (const e of aliasFormatEntries(alias))
    if (e.display !== undefined && !out.includes(e.display)) out.push(e.display);
  return out;
}
