import { SquallError } from '../errors.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import { jsonLimitProblem } from '../model/json-limits.js';

/**
 * Headers never passed on to rules: credentials (StackStorm removes `X-Auth-Token`, `St2-Api-Key`
 * and `Cookie`; Squall also `Authorization`) and the signature, which is of no use to a rule and
 * would let anyone who can read trigger instances replay the request.
 */
const HIDDEN_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-auth-token',
  'st2-api-key',
  'x-hub-signature',
  'x-hub-signature-256',
]);

/** What a rule sees of the request: headers as sent (and lower-cased, as StackStorm adds), credentials removed. */
export function webhookHeaders(rawHeaders: readonly string[]): { headers: JsonObject; headers_lower: JsonObject } {
  const headers: JsonObject = {};
  const lower: JsonObject = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    const value = rawHeaders[i + 1] as string;
    const l = name.toLowerCase();
    if (HIDDEN_HEADERS.has(l) || l === '__proto__') continue;
    const prev = lower[l];
    const joined = typeof prev === 'string' ? `${prev}, ${value}` : value;
    headers[name] = joined;
    lower[l] = joined;
  }
  return { headers, headers_lower: lower };
}

// JSON.parse makes `__proto__` an own key, which a later Object.assign would turn into a prototype.
const reviver = (key: string, value: unknown): unknown => (key === '__proto__' ? undefined : value);

function formBody(text: string): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of new URLSearchParams(text)) {
    if (k === '__proto__') continue;
    const prev = out[k];
    // A repeated field (`a=1&a=2`) keeps every value, in order.
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/**
 * The body as rules see it: JSON (`application/json`, `*+json`), or a form
 * (`application/x-www-form-urlencoded`) as an object of strings (arrays for repeated fields). An
 * empty body is `{}`. Throws SQ_BAD_REQUEST for malformed JSON, SQ_UNSUPPORTED_MEDIA_TYPE for other types.
 */
export function parseWebhookBody(raw: Buffer | undefined, contentType: string | undefined): JsonValue {
  const text = raw ? raw.toString('utf8') : '';
  if (text.trim() === '') return {};
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  let body: JsonValue;
  if (type === 'application/x-www-form-urlencoded') body = formBody(text);
  else if (type === 'application/json' || type.endsWith('+json') || type === '') {
    try {
      body = JSON.parse(text, reviver) as JsonValue;
    } catch (e) {
      throw new SquallError('SQ_BAD_REQUEST', `Invalid JSON body: ${(e as Error).message.slice(0, 200)}`);
    }
  } else {
    throw new SquallError(
      'SQ_UNSUPPORTED_MEDIA_TYPE',
      `Unsupported Content-Type "${type.slice(0, 64)}"; webhooks take application/json or application/x-www-form-urlencoded`,
    );
  }
  const problem = jsonLimitProblem(body, 'body');
  if (problem) throw new SquallError('SQ_VALIDATION', `Invalid body: ${problem}`);
  return body;
}
