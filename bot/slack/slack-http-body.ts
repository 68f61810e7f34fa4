import type { IncomingMessage } from 'node:http';
import { parse as parseQuery } from 'node:querystring';

/** Bolt's own limit for a request body (10 MB); Slack's payloads are far smaller. */
export const SLACK_BODY_LIMIT = 10 * 1024 * 1024;

/** Reads the whole request body; `undefined` when it is larger than `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = SLACK_BODY_LIMIT): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += b.length;
    if (size > limit) return undefined;
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/**
 * False when Bolt would parse the body into something that is not an object (`null`, a number, ...).
 * Bolt reads `body.ssl_check` on whatever it parsed, outside any try, so a signed `null` body would
 * throw an unhandled rejection and stop the process. Bodies Bolt cannot parse at all are left to Bolt,
 * which verifies the signature first and answers 401 or 400 itself.
 */
export function isObjectBody(raw: Buffer, contentType: string | undefined): boolean {
  const text = raw.toString();
  let parsed: unknown;
  try {
    if (contentType === 'application/x-www-form-urlencoded') {
      const { payload } = parseQuery(text);
      if (typeof payload !== 'string') return true;
      parsed = JSON.parse(payload);
    } else {
      parsed = JSON.parse(text);
    }
  } catch {
    return true;
  }
  return typeof parsed === 'object' && parsed !== null;
}
