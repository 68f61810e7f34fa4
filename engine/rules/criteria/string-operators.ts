import { bothStrings } from './equality-operators.js';
import type { OperatorFn } from './operator-types.js';
import { mismatch, type Verdict } from './py-values.js';

function strings(v: unknown, p: unknown, test: (v: string, p: string) => boolean): Verdict {
  if (typeof v !== 'string' || typeof p !== 'string') return mismatch(bothStrings(v, p));
  return test(v, p);
}

export const startswith: OperatorFn = (v, p) => strings(v, p, (a, b) => a.startsWith(b));
export const istartswith: OperatorFn = (v, p) => strings(v, p, (a, b) => a.toLowerCase().startsWith(b.toLowerCase()));
export const endswith: OperatorFn = (v, p) => strings(v, p, (a, b) => a.endsWith(b));
export const iendswith: OperatorFn = (v, p) => strings(v, p, (a, b) => a.toLowerCase().endsWith(b.toLowerCase()));

const wildcards = new Map<string, RegExp>();

/**
 * Python's `fnmatch` as a regular expression: `*`, `?`, `[seq]`, `[!seq]`, whole string, `*` crossing
 * `/` and newlines, case-sensitive (POSIX). A `[` without its `]` is a literal `[`.
 */
export function wildcardRegex(pattern: string): RegExp {
  const hit = wildcards.get(pattern);
  if (hit) return hit;
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '!') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j++;
      if (j >= pattern.length) {
        out += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, j).replace(/\\/g, '\\\\');
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      else if (body.startsWith('^')) body = `\\${body}`;
      out += `[${body.replace(/^(\^?)\]/, '$1\\]')}]`;
      i = j;
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  const re = new RegExp(`^${out}$`);
  if (wildcards.size > 2000) wildcards.clear();
  wildcards.set(pattern, re);
  return re;
}

/** `matchwildcard`: shell-style wildcard over the whole string (Python fnmatch). */
export const matchwildcard: OperatorFn = (v, p) => strings(v, p, (a, b) => wildcardRegex(b).test(a));
