import { SquallError } from '../errors.js';

/**
 * The limits on any JSON value Squall stores (execution parameters, context, results, API bodies).
 * Both stores must be able to read, update and index what they accept: SQLite's JSON functions refuse
 * documents nested deeper than 1,000 levels and MongoDB's BSON deeper than 100, so a value nested past
 * these limits is refused when it arrives rather than poisoning the document it would live in.
 * docs/security.md documents them.
 */
export const JSON_LIMITS = {
  /** Objects and arrays inside one another: `{}` is 1 level, `{"a": []}` is 2. */
  maxDepth: 64,
  /** The value's size as JSON text, in bytes. */
  maxBytes: 1_048_576,
} as const;

const MAX_PATH_TEXT = 120;

/** A bounded rendering of a path: a hostile value must not make the error message as big as itself. */
function pathText(name: string, segments: readonly (string | number)[]): string {
  let out = name;
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else {
      const key = s.length > 40 ? `${s.slice(0, 40)}…` : s;
      out += /^[A-Za-z_$][\w$-]*$/.test(key) ? `${out ? '.' : ''}${key}` : `[${JSON.stringify(key)}]`;
    }
  }
  return out.length > MAX_PATH_TEXT ? `${out.slice(0, 60)}…${out.slice(-(MAX_PATH_TEXT - 61))}` : out;
}

/** The path of the first object or array deeper than `maxDepth`, or undefined. Never recurses past the limit. */
function tooDeepAt(value: object, depth: number, path: (string | number)[]): (string | number)[] | undefined {
  if (depth > JSON_LIMITS.maxDepth) return path;
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value as Record<string, unknown>);
  for (const [k, v] of entries) {
    if (typeof v !== 'object' || v === null) continue;
    path.push(k);
    const found = tooDeepAt(v, depth + 1, path);
    if (found) return found;
    path.pop();
  }
  return undefined;
}

/**
 * What is wrong with storing `value` under `name` (for example `context` or `parameters.env`), or
 * undefined when it is within JSON_LIMITS. The problem names the path of the offending value.
 */
export function jsonLimitProblem(value: unknown, name: string): string | undefined {
  const deep = typeof value === 'object' && value !== null ? tooDeepAt(value, 1, []) : undefined;
  if (deep) {
    return `${pathText(name, deep) || 'the value'}: nested deeper than ${JSON_LIMITS.maxDepth} levels of objects and arrays`;
  }
  const text = JSON.stringify(value);
  const bytes = text === undefined ? 0 : Buffer.byteLength(text, 'utf8');
  if (bytes > JSON_LIMITS.maxBytes) {
    return `${name || 'the value'}: ${bytes} bytes as JSON, more than the ${JSON_LIMITS.maxBytes} a stored value may have`;
  }
  return undefined;
}

/** True when `value` may be stored as it is. */
export function isStorableJson(value: unknown): boolean {
  return jsonLimitProblem(value, '') === undefined;
}

/**
 * Refuses a value that exceeds JSON_LIMITS.
 * @throws SquallError SQ_VALIDATION naming the path, e.g. `context.a.a.a…: nested deeper than 64 levels`
 */
export function assertStorableJson(value: unknown, name: string): void {
  const problem = jsonLimitProblem(value, name);
  if (problem) throw new SquallError('SQ_VALIDATION', `Cannot store ${problem}`, { details: { path: name, problem } });
}
