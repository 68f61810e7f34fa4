import { lowerSameLength } from './text-utils.js';

export interface CommandChoice {
  ref: string;
  display: string;
  description?: string;
}

interface Prepared<T> {
  item: T;
  choice: CommandChoice;
  words: string[];
  first: string;
  order: number;
}

/** The words of a display without its placeholders, lower-cased. */
function literalWords(display: string): string[] {
  return lowerSameLength(display.replace(/\{\{[\s\S]*?\}\}/g, ' '))
    .split(/\s+/)
    .filter((w) => w !== '');
}

const MAX = 40;
const row = new Int32Array(MAX + 1);

/** Levenshtein distance on at most 40 characters of each string: enough to rank, cheap enough for thousands. */
export function editDistance(a: string, b: string): number {
  const s = a.length > MAX ? a.slice(0, MAX) : a;
  const t = b.length > MAX ? b.slice(0, MAX) : b;
  for (let j = 0; j <= t.length; j++) row[j] = j;
  for (let i = 1; i <= s.length; i++) {
    let diag = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= t.length; j++) {
      const up = row[j] as number;
      const cost = s.charCodeAt(i - 1) === t.charCodeAt(j - 1) ? 0 : 1;
      row[j] = Math.min(up + 1, (row[j - 1] as number) + 1, diag + cost);
      diag = up;
    }
  }
  return row[t.length] as number;
}

const similarity = (a: string, b: string): number =>
  a === b ? 1 : 1 - editDistance(a, b) / Math.max(a.length, b.length, 1);

/**
 * Ranks commands by how close they are to what the user typed, for the "no match" answer: the same
 * first word counts most, then the share of words in common, then how few edits turn the typed first
 * word and opening words into the display's. Displays are prepared once; ranking costs one short edit
 * distance per display, and the longer comparison only for the best few dozen.
 */
export class ClosestIndex<T> {
  readonly #prepared: Prepared<T>[];

  constructor(entries: readonly { item: T; choice: CommandChoice }[]) {
    this.#prepared = entries.map(({ item, choice }, order) => {
      const words = literalWords(choice.display);
      return { item, choice, words, first: words[0] ?? '', order };
    });
  }

  rank(command: string, allowed: (item: T) => boolean, limit = 3): CommandChoice[] {
    const typed = lowerSameLength(command)
      .split(/\s+/)
      .filter((w) => w !== '');
    const typedSet = new Set(typed);
    const typedFirst = typed[0] ?? '';
    const scored: { p: Prepared<T>; score: number }[] = [];
    for (const p of this.#prepared) {
      if (!allowed(p.item)) continue;
      let shared = 0;
      for (const w of p.words) if (typedSet.has(w)) shared++;
      const union = p.words.length + typedSet.size - shared;
      const score =
        (p.first !== '' && p.first === typedFirst ? 2 : 0) +
        (union === 0 ? 0 : (2 * shared) / union) +
        similarity(typedFirst, p.first);
      scored.push({ p, score });
    }
    scored.sort((a, b) => b.score - a.score || a.p.order - b.p.order);
    const head = typed.slice(0, 3).join(' ');
    const finalists = scored.slice(0, 50).map((s) => ({
      p: s.p,
      score: s.score + similarity(head, s.p.words.slice(0, Math.max(1, Math.min(3, typed.length))).join(' ')),
    }));
    finalists.sort((a, b) => b.score - a.score || a.p.order - b.p.order);
    const out: CommandChoice[] = [];
    const seen = new Set<string>();
    for (const { p } of finalists) {
      const key = `${p.choice.ref}\u0000${p.choice.display}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(p.choice);
      if (out.length === limit) break;
    }
    return out;
  }
}

/** One-off ranking of `choices` against a command (see ClosestIndex). */
export function closestCommands(command: string, choices: readonly CommandChoice[], limit = 3): CommandChoice[] {
  return new ClosestIndex(choices.map((choice) => ({ item: choice, choice }))).rank(command, () => true, limit);
}
