/**
 * Lower-cases character by character, keeping characters whose lower case is longer (`İ`) as they are,
 * so offsets into the result are offsets into the input.
 */
export function lowerSameLength(s: string): string {
  const lowered = s.toLowerCase();
  if (lowered.length === s.length) return lowered;
  let out = '';
  for (const ch of s) {
    const l = ch.toLowerCase();
    out += l.length === ch.length ? l : ch;
  }
  return out;
}

/** Collapses whitespace runs to one space and trims. */
export function squash(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
