import { packageVersion } from '../../lib/package-version.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import { isStorableJson } from '../model/json-limits.js';
import { isJsonContentType, readCappedBody } from './http-body.js';
import { armTimeout, CANCELED_MESSAGE, stopKind, timeoutMessage } from './run-signal.js';
import type { Runner, RunOutcome } from './runner.js';
import { envValue, readBoolean, readNumber, readObject, readString, requireString } from './runner-params.js';

export interface HttpRequestRunnerOptions {
  /** Most bytes of a response body kept in the result (the start is kept). @default 1048576 */
  maxBodyBytes?: number;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** The slice of undici's Agent used here: a dispatcher for fetch and a way to close it. */
interface Dispatcher {
  close(): Promise<void>;
}

/** A dispatcher that skips certificate checks; undici is loaded only for actions that ask for it. */
async function insecureDispatcher(): Promise<Dispatcher> {
  const { Agent } = await import('undici');
  return new Agent({ connect: { rejectUnauthorized: false } });
}

/** The URL with `params` added, or why it cannot be requested (a bad URL is the action's failure). */
function buildUrl(url: string, params: JsonObject | undefined): URL | { error: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { error: `"${url}" is not a valid URL` };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    return { error: `Only http and https URLs can be requested, got ${u.protocol}` };
  }
  for (const [k, v] of Object.entries(params ?? {})) {
    if (v === null) continue;
    // Lists repeat the key (`?a=1&a=2`), as Python's requests does.
    for (const item of Array.isArray(v) ? v : [v]) u.searchParams.append(k, envValue(item));
  }
  return u;
}

function buildHeaders(p: JsonObject, hasJsonBody: boolean): Headers {
  const headers = new Headers();
  for (const [k, v] of Object.entries(readObject(p, 'headers') ?? {})) {
    if (v !== null) headers.set(k, envValue(v));
  }
  if (!headers.has('user-agent')) headers.set('user-agent', `squall/${packageVersion()}`);
  if (hasJsonBody && !headers.has('content-type')) headers.set('content-type', 'application/json');
  const username = readString(p, 'username');
  if (username !== undefined && !headers.has('authorization')) {
    const password = readString(p, 'password') ?? '';
    headers.set('authorization', `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`);
  }
  return headers;
}

function bodyOf(v: JsonValue | undefined): { body: string | undefined; json: boolean } {
  if (v === undefined || v === null || v === '') return { body: undefined, json: false };
  if (typeof v === 'string') return { body: v, json: false };
  return { body: JSON.stringify(v), json: true };
}

/** A network error's useful part: fetch says "fetch failed" and puts the reason in `cause`. */
function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? e.cause.message : undefined;
  return cause ? `${e.message}: ${cause}` : e.message;
}

/**
 * `http-request` (`core.http`): one HTTP request with Node's fetch. Succeeds only for a 2xx answer
 * (StackStorm: 200-206); a JSON answer is parsed (`parsed: true`). Redirects are not followed unless
 * `allow_redirects` is set.
 *
 * @example
 * await createHttpRequestRunner().run({ ...ctx, parameters: { url: 'https://example.org/health' } });
 */
export function createHttpRequestRunner(options: HttpRequestRunnerOptions = {}): Runner {
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  return {
    name: 'http-request',
    description: 'Sends an HTTP request and returns the response.',
    parameters: {
      url: { type: 'string', required: true, description: 'URL to request (http or https).' },
      method: { type: 'string', enum: METHODS, description: 'HTTP method; GET without a body, POST with one.' },
      headers: { type: 'object', description: 'Request headers.' },
      body: { description: 'Request body: a string as is, anything else as JSON.' },
      params: { type: 'object', description: 'Query string parameters.' },
      username: { type: 'string', description: 'User name for basic authentication.' },
      password: { type: 'string', secret: true, description: 'Password for basic authentication.' },
      timeout: { type: 'integer', default: 60, description: 'Seconds before the request is abandoned.' },
      allow_redirects: { type: 'boolean', default: false, description: 'Follow redirects.' },
      verify_ssl_cert: { type: 'boolean', default: true, description: "Check the server's TLS certificate." },
    },
    async run(ctx): Promise<RunOutcome> {
      const p = ctx.parameters;
      const url = buildUrl(requireString(p, 'url'), readObject(p, 'params'));
      if (!(url instanceof URL)) return { status: 'failed', result: { error: url.error } };
      const { body, json } = bodyOf(p.body);
      const method = (readString(p, 'method') ?? (body === undefined ? 'GET' : 'POST')).toUpperCase();
      const headers = buildHeaders(p, json);
      const timeoutS = readNumber(p, 'timeout', 60);
      const armed = armTimeout(ctx.signal, timeoutS);
      const dispatcher = readBoolean(p, 'verify_ssl_cert', true) ? undefined : await insecureDispatcher();
      const init: RequestInit = {
        method,
        headers,
        body,
        redirect: readBoolean(p, 'allow_redirects', false) ? 'follow' : 'manual',
        signal: armed.signal,
      };
      // Node's fetch takes undici's `dispatcher`; its type comes from the bundled undici, not the package.
      if (dispatcher) Object.assign(init, { dispatcher });
      try {
        const res = await fetch(url, init);
        const { text, truncated } = await readCappedBody(res, maxBodyBytes);
        let parsedBody: JsonValue = text;
        let parsed = false;
        if (!truncated && isJsonContentType(res.headers.get('content-type')) && text.trim() !== '') {
          try {
            const body = JSON.parse(text) as JsonValue;
            // A body nested past what the store keeps stays text rather than failing the record.
            if (isStorableJson(body)) {
              parsedBody = body;
              parsed = true;
            }
          } catch {
            // A server that labels non-JSON as JSON: keep the text, parsed stays false.
          }
        }
        const result: JsonObject = {
          status_code: res.status,
          body: parsedBody,
          parsed,
          headers: Object.fromEntries(res.headers.entries()),
        };
        if (truncated) result.body_truncated = true;
        return { status: res.status >= 200 && res.status < 300 ? 'succeeded' : 'failed', result };
      } catch (e) {
        if (armed.signal.aborted) {
          if (stopKind(armed.signal) === 'timeout') {
            const seconds = armed.firedAfterS() ?? ctx.timeoutS;
            return { status: 'timeout', result: { error: timeoutMessage(seconds) } };
          }
          return { status: 'canceled', result: { error: CANCELED_MESSAGE } };
        }
        return { status: 'failed', result: { error: `Request to ${url.origin} failed: ${describeError(e)}` } };
      } finally {
        armed.dispose();
        await dispatcher?.close().catch(() => {});
      }
    },
  };
}

export const httpRequestRunner: Runner = createHttpRequestRunner();
