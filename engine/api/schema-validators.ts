import { Ajv, type ErrorObject, type Options } from 'ajv';
import type { FastifyInstance } from 'fastify';

const COMMON: Options = { removeAdditional: false, useDefaults: true, allErrors: true };

interface Validator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

function nonFiniteField(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  for (const [key, value] of Object.entries(data)) {
    const values = Array.isArray(value) ? value : [value];
    if (values.some((v) => typeof v === 'number' && !Number.isFinite(v))) return key;
  }
  return undefined;
}

// ajv casts the text `Infinity` to a number that passes `integer` and `maximum`; text that is meant as
// a number must be a finite one.
function finiteOnly(validate: Validator): Validator {
  const checked: Validator = (data) => {
    const ok = validate(data);
    checked.errors = validate.errors ?? null;
    if (!ok) return false;
    const key = nonFiniteField(data);
    if (key === undefined) return true;
    checked.errors = [
      {
        keyword: 'type',
        instancePath: `/${key}`,
        schemaPath: '#',
        params: { type: 'a finite number' },
        message: 'must be a finite number',
      },
    ];
    return false;
  };
  return checked;
}

/**
 * Validates request parts with two ajv instances: bodies are JSON and must already have the declared
 * types (`{"enabled": null}` or `{"user": 123}` is a 400, never a cast), while query strings, path
 * parameters and headers arrive as text and are cast to their declared types before the range checks.
 */
export function installSchemaValidators(app: FastifyInstance): void {
  const strict = new Ajv({ ...COMMON, coerceTypes: false });
  const casting = new Ajv({ ...COMMON, coerceTypes: 'array' });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'body' ? strict.compile(schema as object) : finiteOnly(casting.compile(schema as object)),
  );
}
