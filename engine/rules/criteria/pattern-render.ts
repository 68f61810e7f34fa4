import { renderTemplate, renderValue } from '../../templates/templates.js';

/** A string pattern is a template when it holds `{{ }}` or `{% %}`. */
export function isTemplate(s: string): boolean {
  return s.includes('{{') || s.includes('{%');
}

/**
 * Renders a criteria pattern and reads the result as JSON where it parses, so `"{{ trigger.count }}"`
 * compares as a number and `"[{{ a }}, {{ b }}]"` as a list. A pattern that is one `{{ expr }}` keeps
 * the expression's own type (a payload string stays a string even when it looks like a number), except
 * that a datastore value, always stored as a string, is read as JSON too (`{{ st2kv.system.threshold }}`
 * holding "5" compares as 5). Undefined names are an error, as with StackStorm's StrictUndefined.
 *
 * @throws SquallError SQ_TEMPLATE naming the pattern and the cause
 */
export function renderPattern(
  pattern: string,
  context: Record<string, unknown>,
  decrypt?: (stored: string) => string,
): unknown {
  const opts = decrypt ? { strict: true, decrypt } : { strict: true };
  if (/^\s*\{\{[\s\S]*\}\}\s*$/.test(pattern) && !/\}\}[\s\S]*\{\{/.test(pattern)) {
    const value = renderValue(pattern, context, opts);
    return typeof value === 'string' && pattern.includes('st2kv') ? readJson(value) : value;
  }
  const text = renderTemplate(pattern, context, opts);
  return pattern.includes('{{') ? readJson(text) : text;
}

function readJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
