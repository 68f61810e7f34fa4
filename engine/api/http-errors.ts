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

/** The most of any one piece of input an error message quotes. */
export const EXCERPT_CHARS = 64;
/** The most an error message says in all: enough for several named fields, never an echo of a body. */
export const FAULTSTRING_CHARS = 1000;
/** The most validation problems one answer lists. */
const MAX_LISTED_PROBLEMS = 5;

/** A piece of input as an error message may quote it: at most EXCERPT_CHARS, marked when cut. */
export function excerpt(text: string, max = EXCERPT_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

function bounded(message: string): string {
  return message.length <= FAULTSTRING_CHARS ? message : `${message.slice(0, FAULTSTRING_CHARS)}…`;
}

function pathOf(instancePath: string): string {
  return instancePath
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => excerpt(s))
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
      return `${prefix}: unknown property '${at(excerpt(String(e.params.additionalProperty)))}'`;
    case 'type':
      return `${prefix}: '${path || context}' must be of type ${String(e.params.type)}`;
    case 'enum':
      return `${prefix}: '${path || context}' must be one of ${(e.params.allowedValues as unknown[]).map(String).join(', ')}`;
    default:
      return `${prefix}: '${path || context}' ${e.message ?? 'is invalid'}`;
  }
}

const CODE_OF_STATUS: Record<number, ErrorCode> = {
  401: 'SQ_UNAUTHORIZED',
  403: 'SQ_FORBIDDEN',
  404: 'SQ_NOT_FOUND',
  405: 'SQ_METHOD_NOT_ALLOWED',
  408: 'SQ_REQUEST_TIMEOUT',
  413: 'SQ_PAYLOAD_TOO_LARGE',
  414: 'SQ_URI_TOO_LONG',
  415: 'SQ_UNSUPPORTED_MEDIA_TYPE',
  429: 'SQ_TOO_MANY_REQUESTS',
  431: 'SQ_HEADERS_TOO_LARGE',
};

function frameworkCode(status: number): ErrorCode {
  return CODE_OF_STATUS[status] ?? 'SQ_BAD_REQUEST';
}

// Fastify's own messages quote the whole URL or value; these say the same in bounded words.
function frameworkMessage(fe: FrameworkError, bodyLimit: number): string {
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported Content-Type; send application/json';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `Request body is larger than the limit of ${bodyLimit} bytes`;
    case 'FST_ERR_BAD_URL':
      return 'The URL is not valid: a path segment has a malformed percent-encoding';
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return 'A path parameter is longer than 100 characters';
    default:
      return excerpt(fe.message, FAULTSTRING_CHARS);
  }
}

/**
 * The one mapping from anything thrown inside a request to an HTTP status and body. SquallErrors take
 * their status from the catalogue; fastify's own 4xx errors keep their status with a readable
 * message; everything else is a 500 whose message is not shown (it may describe internals).
 */
export function toHttpError(
  err: unknown,
  ctx: { requestId: string; bodyLimit: number },
): { status: number; body: ErrorBody; internal: boolean; retryAfterS?: number } {
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
    const retryAfterS = err.details?.retryAfterS;
    return {
      status,
      body: { faultstring: bounded(err.message), code: err.code },
      internal: status >= 500,
      ...(typeof retryAfterS === 'number' ? { retryAfterS } : {}),
    };
  }
  const fe = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as FrameworkError;
  if (Array.isArray(fe.validation) && fe.validation.length > 0) {
    const problems = fe.validation.slice(0, MAX_LISTED_PROBLEMS);
    const more = fe.validation.length - problems.length;
    const faultstring =
      problems.map((v) => describeValidationError(v, fe.validationContext)).join('; ') +
      (more > 0 ? `; and ${more} more` : '');
    return { status: 400, body: { faultstring: bounded(faultstring), code: 'SQ_VALIDATION' }, internal: false };
  }
  const status = fe.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const faultstring = frameworkMessage(fe, ctx.bodyLimit);
    return { status, body: { faultstring, code: frameworkCode(status) }, internal: false };
  }
  return {
    status: 500,
    body: { faultstring: `Internal server error (request ${requestId})`, code: 'SQ_INTERNAL' },
    internal: true,
  };
}
