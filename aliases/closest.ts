import { lowerSameLength } from './text-utils.js';

export interface CommandChoice {
  ref: string;
  display: string;
  description?: string;
}

/** The words of a display without its placeholders, lower-cased. */
function literalWords(display: string): string[] {
  return lowerSameLength(display.replace(/\{\{[\s\S]*?\}\}/g, ' ')).split(/\s+/).filter((w) => w !== '');
}

/** Levenshtein distance on at most 40 characters of each string: enough to rank, cheap enough for thousands. */
export function editDistance(a: string, b: string): number {
  const s = a.slice(0, 40);
  const t = b.slice(0, 40);
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      cur.push(Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost));
    }
    prev = cur;
  }
  return prev[t.length] as number;
}

const similarity = (a: string, b: string): number =>
  a === '' && b === '' ? 1 : 1 - editDistance(a, b) / Math.max(a.length, b.length, 1);

/**
 * Ranks commands by how close they are to what the user typed: the same first word counts most, then
 * shared words, then how few edits turn the typed first word and opening into the display's.
 */
export function closestCommands(command: string, choices: readonly CommandChoice[], limit = 3): CommandChoice[] {
  const typed = lowerSameLength(command).split(/\s+/).filter((w) => w !== '');
  const typedSet = new Set(typed);
  const typedFirst = typed[0] ?? '';
  const typedHead = typed.slice(0, 3).join(' ');
  const scored = choices.map((choice, order) => {
    const words = literalWords(choice.display);
    const first = words[0] ?? '';
    const union = new Set([...words, ...typed]).size;
    const shared = words.filter((w) => typedSet.has(w)).length;
    const score =
      (first !== '' && first === typedFirst ? 2 : 0) +
      (union === 0 ? 0 : (2 * shared) / union) +
      similarity(typedFirst, first) +
      similarity(typedHead, words.slice(0, Math.max(1, Math.min(3, typed.length))).join(' '));
    return { choice, score, order };
  });
  scored.sort((a, b) => b.score - a.score || a.order - b.order);
  const out: CommandChoice[] = [];
  const seen = new Set<string>();
  for (const s of scored) {
    const key = `${s.choice.ref}\u0000${s.choice.display}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(s.choice);
    if (out.length === limit) break;
  }
  return out;
}
