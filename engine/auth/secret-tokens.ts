import { createHash, randomBytes } from 'node:crypto';

/** A random bearer secret (API key or token): 32 bytes, base64url, shown to its owner once. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Tokens and API keys are stored only as a SHA-256 hex digest. They carry 256 random bits, so a fast
 * hash is enough (no salt or KDF needed) and lookups by hash stay indexable.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
