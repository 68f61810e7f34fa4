import { countSteps } from './match-steps.js';
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
  /** `words` as vocabulary ids, so ranking compares integers instead of hashing strings. */
  ids: Int32Array;
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
/** Typed words compared with each display's words. */
const MAX_WORDS = 64;
/** Displays that get the longer comparison of their opening words. */
const FINALISTS = 12;

interface Ranked<T> {
  p: Prepared<T>;
  score: number;
}

/** Ranks below: a lower score, or the same score and a later display. */
function worse<T>(a: Ranked<T>, b: Ranked<T>): boolean {
  return a.score < b.score || (a.score === b.score && a.p.order > b.p.order);
}

/**
 * Keeps `top` the best `size` entries seen so far, best first (higher score, then earlier order), as a
 * full sort would: most entries are rejected after one comparison with the worst kept.
 */
function keepBest<T>(top: Ranked<T>[], e: Ranked<T>, size: number): void {
  if (top.length === size && !worse(top[size - 1] as Ranked<T>, e)) return;
  let i = top.length === size ? size - 1 : top.length;
  if (top.length < size) top.push(e);
  while (i > 0 && worse(top[i - 1] as Ranked<T>, e)) {
    top[i] = top[i - 1] as Ranked<T>;
    i--;
  }
  top[i] = e;
}
const row = new Int32Array(MAX + 1);
/** Per UTF-16 code unit, the positions of the pattern holding it (bit i for position i); cleared after use. */
const peq = new Int32Array(65536);

/**
 * Levenshtein distance on at most 40 characters of each string: enough to rank, cheap enough for thousands.
 * When the shorter one fits in 32 characters, Myers' bit-parallel algorithm (Hyyrö's form for the global
 * distance) computes a whole column in a few integer operations; otherwise the row-by-row table.
 */
export function editDistance(a: string, b: string): number {
  let s = a.length > MAX ? a.slice(0, MAX) : a;
  let t = b.length > MAX ? b.slice(0, MAX) : b;
  if (s.length > t.length) [s, t] = [t, s];
  if (s.length === 0) return t.length;
  return s.length <= 32 ? bitParallelDistance(s, t) : tableDistance(s, t);
}

function bitParallelDistance(pattern: string, text: string): number {
  const m = pattern.length;
  for (let i = 0; i < m; i++) {
    const c = pattern.charCodeAt(i);
    peq[c] = (peq[c] as number) | (1 << i);
  }
  const last = 1 << (m - 1);
  let pv = -1;
  let mv = 0;
  let score = m;
  for (let j = 0; j < text.length; j++) {
    const eq = peq[text.charCodeAt(j)] as number;
    const xv = eq | mv;
    const xh = (((eq & pv) + pv) ^ pv) | eq;
    let ph = mv | ~(xh | pv);
    let mh = pv & xh;
    if ((ph & last) !== 0) score++;
    else if ((mh & last) !== 0) score--;
    ph = (ph << 1) | 1;
    mh <<= 1;
    pv = mh | ~(xv | ph);
    mv = ph & xv;
  }
  for (let i = 0; i < m; i++) peq[pattern.charCodeAt(i)] = 0;
  return score;
}

function tableDistance(s: string, t: string): number {
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

const counts = new Int32Array(256);

/**
 * An upper bound on `similarity(a, b)` in linear time: every character not in common (as a multiset)
 * costs an edit. Characters are bucketed by their low byte, which can only raise the bound.
 */
function similarityBound(a: string, b: string): number {
  if (a === b) return 1;
  const s = a.length > MAX ? a.slice(0, MAX) : a;
  const t = b.length > MAX ? b.slice(0, MAX) : b;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) & 255;
    counts[c] = (counts[c] as number) + 1;
  }
  let common = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i) & 255;
    if ((counts[c] as number) > 0) {
      counts[c] = (counts[c] as number) - 1;
      common++;
    }
  }
  for (let i = 0; i < s.length; i++) counts[s.charCodeAt(i) & 255] = 0;
  return common / Math.max(s.length, t.length, 1);
}

const similarity = (a: string, b: string): number =>
  a === b ? 1 : 1 - editDistance(a, b) / Math.max(a.length, b.length, 1);

/**
 * Ranks commands by how close they are to what the user typed, for the "no match" answer: the same
 * first word counts most, then the share of words in common, then how few edits turn the typed first
 * word and opening words into the display's. Displays are prepared once; ranking costs one short edit
 * distance per display, and the longer comparison only for the best dozen.
 */
export class ClosestIndex<T> {
  readonly #prepared: Prepared<T>[];
  readonly #vocabulary = new Map<string, number>();
  /** For each vocabulary id, the displays holding that word (each once, in order). */
  readonly #postings: number[][] = [];
  /** Displays grouped by first word, each group in order. */
  readonly #groups = new Map<string, number[]>();
  /** 1 for the vocabulary ids of the words being ranked against; cleared after each ranking. */
  #typedMark = new Uint8Array(0);
  /** Which displays this ranking already scored: equal to #generation when so. */
  #seen = new Uint32Array(0);
  #generation = 0;

  constructor(entries: readonly { item: T; choice: CommandChoice }[]) {
    this.#prepared = entries.map(({ item, choice }, order) => {
      const words = literalWords(choice.display);
      const ids = Int32Array.from(words, (w) => {
        let id = this.#vocabulary.get(w);
        if (id === undefined) {
          id = this.#vocabulary.size;
          this.#vocabulary.set(w, id);
          this.#postings.push([]);
        }
        const list = this.#postings[id] as number[];
        if (list.at(-1) !== order) list.push(order);
        return id;
      });
      const first = words[0] ?? '';
      const group = this.#groups.get(first);
      if (group === undefined) this.#groups.set(first, [order]);
      else group.push(order);
      return { item, choice, words, ids, first, order };
    });
    this.#typedMark = new Uint8Array(this.#vocabulary.size);
    this.#seen = new Uint32Array(this.#prepared.length);
  }

  /**
   * Scores only the displays that can reach the best dozen: those sharing a word with the command, and
   * for the rest (whose score is just the similarity of first words) the first few of each first-word
   * group, best group first, until no group can beat the dozen kept. The same result as scoring all.
   */
  rank(command: string, allowed: (item: T) => boolean, limit = 3): CommandChoice[] {
    const typed = lowerSameLength(command.length > 2048 ? command.slice(0, 2048) : command)
      .split(/\s+/)
      .filter((w) => w !== '');
    // Only the opening words are compared: the rest of a long command cannot make it closer to a display.
    const typedSet = new Set(typed.length > MAX_WORDS ? typed.slice(0, MAX_WORDS) : typed);
    const typedFirst = typed[0] ?? '';
    const mark = this.#typedMark;
    const marked: number[] = [];
    for (const w of typedSet) {
      const id = this.#vocabulary.get(w);
      if (id !== undefined) {
        mark[id] = 1;
        marked.push(id);
      }
    }
    if (++this.#generation === 0xffffffff) {
      this.#seen.fill(0);
      this.#generation = 1;
    }
    const gen = this.#generation;
    const scored = this.#seen;
    const simOf = new Map<string, number>();
    let steps = 0;
    const firstSimilarity = (first: string): number => {
      let sim = simOf.get(first);
      if (sim === undefined) {
        sim = similarity(typedFirst, first);
        simOf.set(first, sim);
        steps += MAX;
      }
      return sim;
    };
    // A cheap upper bound on the similarity orders the groups, and only
    // groups that might still place get their edit distance computed.
    const groupBounds: { first: string; bound: number }[] = [];
    for (const first of this.#groups.keys()) {
      groupBounds.push({ first, bound: similarityBound(typedFirst, first) });
    }
    const top: Ranked<T>[] = [];
    const visit = (index: number): void => {
      if (scored[index] === gen) return;
      scored[index] = gen;
      steps++;
      const p = this.#prepared[index] as Prepared<T>;
      if (!allowed(p.item)) return;
      let shared = 0;
      const ids = p.ids;
      for (let k = 0; k < ids.length; k++) shared += mark[ids[k] as number] as number;
      const union = p.words.length + typedSet.size - shared;
      const score =
        (p.first !== '' && p.first === typedFirst ? 2 : 0) +
        (union === 0 ? 0 : (2 * shared) / union) +
        firstSimilarity(p.first);
      const worst = top.length === FINALISTS ? (top[FINALISTS - 1] as Ranked<T>) : undefined;
      if (worst !== undefined && (score < worst.score || (score === worst.score && p.order > worst.p.order))) return;
      keepBest(top, { p, score }, FINALISTS);
    };
    for (const id of marked) for (const index of this.#postings[id] as number[]) visit(index);
    groupBounds.sort((a, b) => b.bound - a.bound);
    for (const { first, bound } of groupBounds) {
      const full = (): Ranked<T> | undefined => (top.length === FINALISTS ? top[FINALISTS - 1] : undefined);
      if ((full()?.score ?? -1) > bound) break;
      if ((full()?.score ?? -1) > firstSimilarity(first)) continue;
      // Unscored displays of this group all score `sim`: the earliest allowed ones are its best.
      let taken = 0;
      for (const index of this.#groups.get(first) as number[]) {
        if (taken === FINALISTS) break;
        if (scored[index] === gen) continue;
        visit(index);
        if (allowed((this.#prepared[index] as Prepared<T>).item)) taken++;
      }
    }
    for (const id of marked) mark[id] = 0;
    countSteps(steps);

    const head = typed.slice(0, 3).join(' ');
    const headWords = Math.max(1, Math.min(3, typed.length));
    // The longer comparison, best bound first; it stops once no bound can change the answer.
    const pending = top.map((s) => {
      const text = s.p.words.slice(0, headWords).join(' ');
      return { p: s.p, base: s.score, text, bound: s.score + similarityBound(head, text) };
    });
    pending.sort((a, b) => b.bound - a.bound || a.p.order - b.p.order);
    const finalists: Ranked<T>[] = [];
    for (const c of pending) {
      const kth = distinctAt(finalists, limit);
      if (kth !== undefined && kth.score > c.bound) break;
      finalists.push({ p: c.p, score: c.base + similarity(head, c.text) });
      finalists.sort((a, b) => b.score - a.score || a.p.order - b.p.order);
    }
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

/** The `limit`-th entry with a distinct ref and display in a ranked list, if there are that many. */
function distinctAt<T>(ranked: readonly Ranked<T>[], limit: number): Ranked<T> | undefined {
  const seen = new Set<string>();
  for (const r of ranked) {
    const key = `${r.p.choice.ref}\u0000${r.p.choice.display}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (seen.size === limit) return r;
  }
  return undefined;
}
