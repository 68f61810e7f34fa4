import { codes, type ErrorCode, SquallError } from '../errors.js';

/** StackStorm's error body (`faultstring`) plus Squall's catalogued `code`. */
export interface ErrorBody {
  faultstring: string;
  code: ErrorCode;
}

interface AjvError {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

interface FrameworkError {
  code?: string;
  statusCode?: number;
  message: string;
  validation?: AjvError[];
  validationContext?: string;
}

const PART: Record<string, string> = {
  body: 'body',
  querystring: 'query parameter',
  params: 'path parameter',
  headers: 'header',
};

function pathOf(instancePath: string): string {
  return instancePath
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

/** Rewrites one ajv error into a sentence that names the field, e.g. `Invalid body: 'action' is required`. */
export function describeValidationError(e: AjvError, context = 'body'): string {
  const part = PART[context] ?? context;
  const path = pathOf(e.instancePath);
  const at = (name: string) => (path ? `${path}.${name}` : name);
  const prefix = context === 'body' ? 'Invalid body' : `Invalid ${part}`;
  switch (e.keyword) {
    case 'required':
      return `${prefix}: '${at(String(e.params.missingProperty))}' is required`;
    case 'additionalProperties':
      return `${prefix}: unknown property '${at(String(e.params.additionalProperty))}'`;
    case 'type':
      return `${prefix}: '${path || context}' must be of type ${String(e.params.type)}`;
    case 'enum':
      return `${prefix}: '${path || context}' must be one of ${(e.params.allowedValues as unknown[]).map(String).join(', ')}`;
    default:
      return `${prefix}: '${path || context}' ${e.message ?? 'is invalid'}`;
  }
}

function frameworkCode(status: number): ErrorCode {
  if (status === 401) return 'SQ_UNAUTHORIZED';
  if (status === 403) return 'SQ_FORBIDDEN';
  if (status === 404) return 'SQ_NOT_FOUND';
  if (status === 413) return 'SQ_PAYLOAD_TOO_LARGE';
  return 'SQ_BAD_REQUEST';
}

/**
 * The one mapping from anything thrown inside a request to an HTTP status and body. SquallErrors take
 * their status from the catalogue; fastify's own 4xx errors keep their status with a readable
 * message; everything else is a 500 whose message is not shown (it may describe internals).
 */
export function toHttpError(
  err: unknown,
  ctx: { requestId: string; bodyLimit: number },
): { status: number; body: ErrorBody; internal: boolean } {
  const { requestId } = ctx;
  if (err instanceof SquallError) {
    const status = codes[err.code].status;
    if (err.code === 'SQ_INTERNAL') {
      return {
        status,
        body: { faultstring: `Internal server error (request ${requestId})`, code: err.code },
        internal: true,
      };
    }
    return { status, body: { faultstring: err.message, code: err.code }, internal: status >= 500 };
  }
  const fe = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as FrameworkError;
  if (Array.isArray(fe.validation) && fe.validation.length > 0) {
    const faultstring = fe.validation.map((v) => describeValidationError(v, fe.validationContext)).join('; ');
    return { status: 400, body: { faultstring, code: 'SQ_VALIDATION' }, internal: false };
  }
  const status = fe.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    let faultstring = fe.message;
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') faultstring = 'Unsupported Content-Type; send application/json';
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      faultstring = `Request body is larger than the limit of ${ctx.bodyLimit} bytes`;
    return { status, body: { faultstring, code: frameworkCode(status) }, internal: false };
  }
  return {
    status: 500,
    body: { faultstring: `Internal server error (request ${requestId})`, code: 'SQ_INTERNAL' },
    internal: true,
  };
}
