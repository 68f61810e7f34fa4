import type { FastifyInstance } from 'fastify';
import { SquallError } from '../errors.js';

// JSON.parse makes `__proto__` an own key, which a later Object.assign would turn into a prototype.
function reviver(key: string, value: unknown): unknown {
  return key === '__proto__' ? undefined : value;
}

/**
 * Makes JSON the only body type (others get 415, rather than a string that fails the schema with a
 * confusing message) and replaces fastify's JSON parser: an empty body is "no body" (st2client posts token requests without
 * one, with or without a JSON content type), a malformed body is a 400 naming the parse problem, and
 * `__proto__` keys are dropped.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text, reviver));
    } catch (e) {
      done(new SquallError('SQ_BAD_REQUEST', `Invalid JSON body: ${(e as Error).message}`), undefined);
    }
  });
}
