import { walkRegexTokens } from './regex-tokens.js';

/**
 * StackStorm content (alias formats, Jinja `regex_*` filters) is written for Python's `re`; Squall runs
 * it on JavaScript's RegExp. These functions translate the Python-only spellings; everything else is
 * spelled the same in both.
 */
export interface TranslatedRegex {
  /** The pattern in JavaScript spelling. */
  source: string;
  /** JavaScript flags for Python's leading inline flags (`(?i)` is `i`, `(?s)` is `s`, `(?m)` is `m`). */
  flags: string;
  /** Named groups (`(?P<name>` or `(?<name>`) in order. */
  groupNames: string[];
}

const PY_INLINE_FLAGS = /^\(\?([aiLmsux]+)\)/;
/** Python flags with a JavaScript equivalent; `a`, `L`, `u` and `x` have none and are dropped. */
const JS_FLAG: Record<string, string> = { i: 'i', m: 'm', s: 's' };

/**
 * Python regex spelling to JavaScript: named groups `(?P<n>…)` and back-references `(?P=n)`, `\A`, `\Z`
 * and `\z`, and leading inline flags (returned as `flags`). Escapes and character classes are copied
 * as they are, so `\(?P<` stays literal text.
 *
 * @example translatePythonRegex('(?i)(?P<k>[A-Z]+)-(?P=k)\\Z') // {source: '(?<k>[A-Z]+)-\\k<k>$', flags: 'i', groupNames: ['k']}
 */
export function translatePythonRegex(src: string): TranslatedRegex {
  let flags = '';
  const inline = PY_INLINE_FLAGS.exec(src);
  if (inline !== null) {
    for (const f of inline[1] as string) {
      const js = JS_FLAG[f];
      if (js !== undefined && !flags.includes(js)) flags += js;
    }
  }
  const body = inline === null ? src : src.slice(inline[0].length);
  const groupNames: string[] = [];
  let out = '';
  let pending = '';
  const flush = (): void => {
    out += pending.replace(/\(\?P=(\w+)\)/g, '\\k<$1>').replace(/\(\?P</g, '(?<');
    pending = '';
  };
  walkRegexTokens(body, (token, kind) => {
    if (kind === 'char') {
      pending += token;
      return;
    }
    flush();
    out +=
      kind === 'escape' && token === '\\A'
        ? '^'
        : kind === 'escape' && (token === '\\Z' || token === '\\z')
          ? '$'
          : token;
  });
  flush();
  for (const m of out.matchAll(/\(\?<([A-Za-z_$][\w$]*)>/g)) groupNames.push(m[1] as string);
  return { source: out, flags, groupNames };
}

/**
 * A Python `re.sub` replacement in JavaScript spelling: `\1` and `\g<1>` become `$1`, `\g<name>` becomes
 * `$<name>`, and a literal `$` stays literal.
 */
export function translatePythonReplacement(repl: string): string {
  return repl
    .replace(/\$/g, '$$$$')
    .replace(/\\g<(\w+)>/g, (_m, g: string) => (/^\d+$/.test(g) ? `$${g}` : `$<${g}>`))
    .replace(/\\(\d{1,2})/g, '$$$1');
}
