/**
 * The one error type the CLI prints. `exitCode` follows the convention scripts rely on: 2 for a
 * usage mistake (fix the command line), 1 for everything else (the server said no, or is down).
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  /** The server's `SQ_...` code, when the error came from the API. */
  readonly code: string | undefined;
  /** The HTTP status, when the error came from the API. */
  readonly status: number | undefined;

  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
    opts?: { cause?: unknown; code?: string; status?: number },
  ) {
    super(message, { cause: opts?.cause });
    this.code = opts?.code;
    this.status = opts?.status;
  }
}

/** A mistake on the command line: exits 2. */
export function usageError(message: string): CliError {
  return new CliError(message, 2);
}
