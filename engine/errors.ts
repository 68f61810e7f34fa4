/**
 * The one catalogue of Squall's error codes. Every surface (API, CLI, chat) maps a SquallError to
 * its own form from here; `docs/errors.md` documents each code and a test keeps the two in step.
 * Retired codes are never reused.
 */
export const codes = {
  SQ_INTERNAL: { status: 500, summary: 'An unexpected internal error' },
  SQ_BAD_REQUEST: { status: 400, summary: 'The request is malformed' },
  SQ_VALIDATION: { status: 400, summary: 'A value failed validation' },
  SQ_NOT_FOUND: { status: 404, summary: 'The resource does not exist' },
  SQ_CONFLICT: { status: 409, summary: 'The resource is in a state that forbids the change' },
  SQ_UNAUTHORIZED: { status: 401, summary: 'Credentials are missing, unknown or expired' },
  SQ_FORBIDDEN: { status: 403, summary: 'The caller lacks the role the operation needs' },
  SQ_PAYLOAD_TOO_LARGE: { status: 413, summary: 'The request body is too large' },
  SQ_METHOD_NOT_ALLOWED: { status: 405, summary: 'The route exists, but not for this method' },
  SQ_UNSUPPORTED_MEDIA_TYPE: { status: 415, summary: 'The request body is not JSON' },
  SQ_URI_TOO_LONG: { status: 414, summary: 'A path parameter is longer than the limit' },
  SQ_HEADERS_TOO_LARGE: { status: 431, summary: 'The request headers are too large' },
  SQ_REQUEST_TIMEOUT: { status: 408, summary: 'The request did not arrive in time' },
  SQ_TOO_MANY_REQUESTS: { status: 429, summary: 'Too many attempts; retry after the time given' },
  SQ_ACTION_NOT_FOUND: { status: 404, summary: 'No action has that reference' },
  SQ_ACTION_DISABLED: { status: 400, summary: 'The action is disabled' },
  SQ_PARAMETER_INVALID: { status: 400, summary: 'An action parameter is unknown, missing or of the wrong type' },
  SQ_RUNNER_NOT_FOUND: { status: 400, summary: 'The action names a runner Squall does not have' },
  SQ_EXECUTION_NOT_FOUND: { status: 404, summary: 'No execution has that id' },
  SQ_EXECUTION_NOT_CANCELABLE: { status: 409, summary: 'The execution already finished' },
  SQ_PACK_INVALID: { status: 400, summary: 'A pack file is invalid' },
  SQ_PACK_NOT_FOUND: { status: 404, summary: 'No pack has that name' },
  SQ_ALIAS_NOT_FOUND: { status: 404, summary: 'No action alias has that name' },
  SQ_ALIAS_NO_MATCH: { status: 400, summary: 'No action alias matches the command' },
  SQ_ALIAS_AMBIGUOUS: { status: 400, summary: 'More than one action alias matches the command equally well' },
  SQ_ALIAS_INVALID: { status: 400, summary: 'An action alias definition is invalid' },
  SQ_ALIAS_DISABLED: { status: 400, summary: 'The action alias is disabled' },
  SQ_ALIAS_COMMAND_TOO_LONG: { status: 400, summary: 'The command is longer than commands may be' },
  SQ_RULE_NOT_FOUND: { status: 404, summary: 'No rule has that ref or id' },
  SQ_RULE_INVALID: { status: 400, summary: 'A rule definition is invalid' },
  SQ_POLICY_INVALID: { status: 400, summary: 'A policy definition is invalid' },
  SQ_TEMPLATE: { status: 400, summary: 'A template could not be rendered' },
  SQ_CONFIG_INVALID: { status: 500, summary: 'The configuration is invalid' },
  SQ_STORE_UNAVAILABLE: { status: 503, summary: 'The store cannot be reached' },
  SQ_BUS_UNAVAILABLE: { status: 503, summary: 'The message bus cannot be reached' },
  SQ_CHAT_UNAVAILABLE: { status: 503, summary: 'The chat platform cannot be reached' },
  SQ_CHAT_REFUSED: { status: 502, summary: 'The chat platform refused the message for good' },
  SQ_WEBHOOK_REPLAYED: { status: 409, summary: 'That signed webhook delivery was already accepted' },
  SQ_DATASTORE_KEY: { status: 500, summary: 'The datastore encryption key file is unreadable, malformed or unsafe' },
  SQ_DATASTORE_DECRYPT: { status: 500, summary: 'A stored secret cannot be decrypted with this key' },
} as const;

export type ErrorCode = keyof typeof codes;

export class SquallError extends Error {
  override readonly name = 'SquallError';
  readonly details: Record<string, unknown> | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    opts?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, { cause: opts?.cause });
    this.details = opts?.details;
  }

  /** The HTTP status a surface should answer with. */
  get status(): number {
    return codes[this.code].status;
  }
}

/** Normalises anything thrown into a SquallError; unknown errors become SQ_INTERNAL and keep their cause. */
export function asSquallError(e: unknown): SquallError {
  if (e instanceof SquallError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new SquallError('SQ_INTERNAL', message, { cause: e });
}
