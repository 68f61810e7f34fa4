import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SquallError } from '../errors.js';

/** AES-256: 32 bytes, stored as base64 on one line. */
export const KEY_BYTES = 32;

/**
 * Reads the datastore key from `path`, creating it (mode 0600, in a folder created 0700) on first use.
 * Two processes starting at once end up with the same key: the file appears whole or not at all
 * (written aside, then hard-linked into place, which fails if another process won).
 *
 * @throws SquallError SQ_DATASTORE_KEY when the file is unreadable, not a 256-bit key, or readable by others
 */
export async function loadOrCreateKey(path: string): Promise<Buffer> {
  const existing = await readKey(path);
  if (existing) return existing;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fh = await open(aside, 'wx', 0o600);
  try {
    await fh.writeFile(`${randomBytes(KEY_BYTES).toString('base64')}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await link(aside, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw keyError(path, `cannot be created: ${errText(e)}`, e);
  } finally {
    await unlink(aside).catch(() => undefined);
  }
  const key = await readKey(path);
  if (!key) throw keyError(path, 'vanished right after it was created');
  return key;
}

async function readKey(path: string): Promise<Buffer | undefined> {
  let mode: number;
  try {
    mode = (await stat(path)).mode;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw keyError(path, `cannot be read: ${errText(e)}`, e);
  }
  // Like ssh with a private key: a key others can read is not a secret any more.
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw keyError(path, `is readable by other users (mode ${(mode & 0o777).toString(8)}); run chmod 600 on it`);
  }
  let text: string;
  try {
    text = (await readFile(path, 'utf8')).trim();
  } catch (e) {
    throw keyError(path, `cannot be read: ${errText(e)}`, e);
  }
  const key = Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64') !== text) {
    throw keyError(path, `does not hold a ${KEY_BYTES * 8}-bit key in base64`);
  }
  return key;
}

function keyError(path: string, what: string, cause?: unknown): SquallError {
  return new SquallError('SQ_DATASTORE_KEY', `Datastore key file ${path} ${what}`, { cause });
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
