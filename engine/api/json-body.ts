import type { FastifyInstance } from 'fastify';
import { SquallError } from '../errors.js';
import { jsonLimitProblem } from '../model/json-limits.js';
import { excerpt } from './http-errors.js';

// JSON.parse makes `__proto__` an own key, which a later Object.assign would turn into a prototype.
function reviver(key: string, value: unknown): unknown {
  return key === '__proto__' ? undefined : value;
}

function asText(body: string | Buffer): string {
  return typeof body === 'string' ? body : body.toString('utf8');
}

/**
 * Makes JSON the only body type the API reads:
 * - an empty body is "no body", whatever its content type: st2client (axios 0.21) posts token
 *   requests without a body, labelled `application/x-www-form-urlencoded`;
 * - a non-empty body of another type is 415, rather than a string that fails the schema confusingly;
 * - malformed JSON is a 400 naming the parse problem, and `__proto__` keys are dropped;
 * - a body past JSON_LIMITS (nesting depth, size) is a 400 naming the path of the offending value.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = asText(body);
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text, reviver);
    } catch (e) {
      done(new SquallError('SQ_BAD_REQUEST', `Invalid JSON body: ${excerpt((e as Error).message, 200)}`), undefined);
      return;
    }
    // Whatever a body holds may be stored: refuse here what the store could not keep.
    const problem = jsonLimitProblem(parsed, '');
    if (problem) done(new SquallError('SQ_VALIDATION', `Invalid body: ${problem}`), undefined);
    else done(null, parsed);
  });
  app.addContentTypeParser('*', { parseAs: 'string' }, (req, body, done) => {
    if (asText(body).trim() === '') {
      done(null, undefined);
      return;
    }
    const type = String(req.headers['content-type'] ?? '').split(';')[0];
    const err = Object.assign(new Error(`Unsupported Content-Type "${excerpt(type ?? '')}"; send application/json`), {
      statusCode: 415,
    });
    done(err, undefined);
  });
}
