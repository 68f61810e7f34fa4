import { createHmac, timingSafeEqual } from 'node:crypto';

/** GitHub's header: `sha256=<hex HMAC-SHA256 of the raw body>`. */
export const SIGNATURE_HEADER = 'x-hub-signature-256';

const FORMAT = /^sha256=([0-9a-f]{64})$/i;

/**
 * Whether `header` is `sha256=<hex>` of the HMAC-SHA256 of `body` under one of `secrets`. Every
 * secret is tried and each comparison is constant-time, so the answer's timing does not tell which
 * bytes (or which secret) came close.
 */
export function signatureMatches(body: Buffer, header: string | undefined, secrets: readonly string[]): boolean {
  const m = header ? FORMAT.exec(header.trim()) : null;
  if (!m) return false;
  const given = Buffer.from((m[1] as string).toLowerCase(), 'hex');
  let ok = false;
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(body).digest();
    if (timingSafeEqual(expected, given)) ok = true;
  }
  return ok;
}

/** The header value a sender computes (tests, `squall webhook` examples). */
export function signBody(body: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
