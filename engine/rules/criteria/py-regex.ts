/**
 * StackStorm's regex operators run Python's `re`. This translates the Python-only syntax rule authors
 * meet into JavaScript: `(?P<name>…)`, `(?P=name)`, `\A`, `\Z`, Python's `$` (end, or before a final
 * newline) and leading inline flags `(?i)`, `(?s)`, `(?m)`. Verbose mode `(?x)` is refused rather than
 * misread. (Local to the rules engine until a shared lib/python-regex.ts exists on main.)
 */

const cache = new Map<string, RegExp | string>();
const CACHE_LIMIT = 2000;

/**
 * The compiled pattern, or a sentence saying why it is not a valid (Python) regular expression.
 *
 * @param flags JavaScript flags to add (`i` for iregex, `s` for matchregex)
 */
export function compilePyRegex(pattern: string, flags = ''): RegExp | string {
  const cacheKey = `${flags}/${pattern}`;
  const hit = cache.get(cacheKey);
  if (hit !== undefined) return hit;
  const out = translate(pattern, flags);
  // Rendered patterns can differ per event: keep the cache bounded rather than growing with traffic.
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(cacheKey, out);
  return out;
}

function translate(pattern: string, extraFlags: string): RegExp | string {
  let src = pattern;
  const flags = new Set(extraFlags.split('').filter(Boolean));
  const inline = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (inline) {
    const given = inline[1] as string;
    if (given.includes('x')) return 'verbose mode (?x) is not supported';
    for (const f of given) if (f === 'i' || f === 'm' || f === 's') flags.add(f);
    src = src.slice(inline[0].length);
  }
  const multiline = flags.has('m');
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (c === '\\') {
      const next = src[i + 1];
      if (!inClass && next === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && next === 'Z') out += '(?![\\s\\S])';
      else out += c + (next ?? '');
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // `[]abc]` and `[^]abc]`: a `]` first in a class is literal in Python.
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (src.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    const backref = /^\(\?P=(\w+)\)/.exec(src.slice(i));
    if (backref) {
      out += `\\k<${backref[1]}>`;
      i += backref[0].length - 1;
      continue;
    }
    if (c === '$' && !multiline) {
      out += '(?=\\n?(?![\\s\\S]))';
      continue;
    }
    out += c;
  }
  try {
    return new RegExp(out, [...flags].join(''));
  } catch (e) {
    return (e instanceof Error ? e.message : String(e)).replace(/^Invalid regular expression: \/[\s\S]*\/[a-z]*: /, '');
  }
}
