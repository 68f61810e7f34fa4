/**
 * Criteria keys are JSONPath expressions in StackStorm (jsonpath-rw): `trigger.a.b`, `trigger.list[0]`,
 * `trigger.headers['X-Header']`, `trigger["a b"]`, `trigger.items[*].name`. This is the subset rules use,
 * parsed once per rule; resolving never throws.
 */

export type PathStep = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'wild' };

export interface PayloadPath {
  /** The first name: `trigger` (or `item` inside a `search` pattern). */
  root: string;
  steps: PathStep[];
  /** The key as written, without its `#tag`. */
  text: string;
}

export type Resolved = { found: true; value: unknown } | { found: false };

const IDENT = /[A-Za-z_@][\w@-]*/y;
const INDEX = /\s*(-?\d+)\s*\]/y;

/** `trigger.a#second` → `trigger.a`: the text after the first `#` only tells two criteria apart. */
export function stripTag(key: string): string {
  const i = key.indexOf('#');
  return i < 0 ? key : key.slice(0, i);
}

/**
 * Parses a criteria key (its `#tag` stripped).
 *
 * @returns the path, or a sentence saying what is wrong with it
 * @example parsePath("trigger.headers['X-Token']") // { root: 'trigger', steps: [key headers, key X-Token] }
 */
export function parsePath(key: string): PayloadPath | string {
  const text = stripTag(key).trim();
  let pos = 0;
  const ident = (): string | undefined => {
    IDENT.lastIndex = pos;
    const m = IDENT.exec(text);
    if (!m) return undefined;
    pos = IDENT.lastIndex;
    return m[0];
  };
  const quoted = (): string | undefined => {
    const q = text[pos];
    if (q !== "'" && q !== '"') return undefined;
    let out = '';
    for (let i = pos + 1; i < text.length; i++) {
      const c = text[i] as string;
      if (c === '\\' && i + 1 < text.length) {
        out += text[++i];
        continue;
      }
      if (c === q) {
        pos = i + 1;
        return out;
      }
      out += c;
    }
    return undefined;
  };

  const root = ident();
  if (root === undefined) return `"${text}" must start with a name such as trigger`;
  const steps: PathStep[] = [];
  while (pos < text.length) {
    const c = text[pos];
    if (c === '.') {
      pos++;
      if (text[pos] === '*') {
        pos++;
        steps.push({ kind: 'wild' });
        continue;
      }
      const key = quoted() ?? ident();
      if (key === undefined) return `"${text}": expected a name after "." at position ${pos + 1}`;
      steps.push({ kind: 'key', key });
    } else if (c === '[') {
      pos++;
      while (text[pos] === ' ') pos++;
      if (text[pos] === '*') {
        pos++;
        while (text[pos] === ' ') pos++;
        if (text[pos] !== ']') return `"${text}": expected "]" at position ${pos + 1}`;
        pos++;
        steps.push({ kind: 'wild' });
        continue;
      }
      const key = quoted();
      if (key !== undefined) {
        while (text[pos] === ' ') pos++;
        if (text[pos] !== ']') return `"${text}": expected "]" at position ${pos + 1}`;
        pos++;
        steps.push({ kind: 'key', key });
        continue;
      }
      INDEX.lastIndex = pos;
      const m = INDEX.exec(text);
      if (!m) return `"${text}": expected a number, a quoted name or * inside [] at position ${pos + 1}`;
      pos = INDEX.lastIndex;
      steps.push({ kind: 'index', index: Number(m[1]) });
    } else {
      return `"${text}": unexpected "${c}" at position ${pos + 1}`;
    }
  }
  return { root, steps, text };
}

/**
 * The value at `steps` below `start`. A wildcard takes the first match, as StackStorm does
 * (`trigger.items[*].n` is the first item's `n`); a negative index counts from the end (Python).
 */
export function resolvePath(start: unknown, steps: readonly PathStep[], from = 0): Resolved {
  let cur: unknown = start;
  for (let i = from; i < steps.length; i++) {
    const step = steps[i] as PathStep;
    if (step.kind === 'key') {
      if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !Object.hasOwn(cur, step.key)) {
        return { found: false };
      }
      cur = (cur as Record<string, unknown>)[step.key];
    } else if (step.kind === 'index') {
      if (!Array.isArray(cur)) return { found: false };
      const at = step.index < 0 ? cur.length + step.index : step.index;
      if (at < 0 || at >= cur.length) return { found: false };
      cur = cur[at];
    } else {
      const children = Array.isArray(cur) ? cur : typeof cur === 'object' && cur !== null ? Object.values(cur) : [];
      for (const child of children) {
        const r = resolvePath(child, steps, i + 1);
        if (r.found) return r;
      }
      return { found: false };
    }
  }
  return { found: true, value: cur };
}
