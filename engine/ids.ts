import { createHash, randomBytes } from 'node:crypto';

// StackStorm's resources carry MongoDB ObjectIds (24 hex digits); its clients and users' scripts
// expect that shape, so Squall mints ids of the same form on every store.
const processUnique = randomBytes(5).toString('hex');
let counter = randomBytes(3).readUIntBE(0, 3);

/** A new 24-hex-digit id: 4 bytes of seconds, 5 per-process random bytes, a 3-byte counter. */
export function newId(): string {
  counter = (counter + 1) % 0xffffff;
  const secs = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  return secs + processUnique + counter.toString(16).padStart(6, '0');
}

/**
 * The id `newId` returned just before `id` in the same process and second (the counter one less,
 * wrapping as newId's does); '' for what is not an id.
 */
export function idBefore(id: string): string {
  if (!isId(id)) return '';
  const counter = Number.parseInt(id.slice(18), 16);
  return id.slice(0, 18) + ((counter + 0xfffffe) % 0xffffff).toString(16).padStart(6, '0');
}

export function isId(s: string): boolean {
  return /^[0-9a-f]{24}$/.test(s);
}

/**
 * An id of the same form derived from what it names (`derivedId(executionId, 'actiontrigger')`):
 * every process computes the same one, so a repeated write of the same thing finds the first.
 */
export function derivedId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 24);
}
