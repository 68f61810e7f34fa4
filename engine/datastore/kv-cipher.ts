import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SquallError } from '../errors.js';
import { KEY_BYTES, loadOrCreateKey } from './kv-key-file.js';

const PREFIX = 'sqenc1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts datastore secrets with AES-256-GCM. The stored form is `sqenc1:` + base64url of
 * nonce (12 bytes) | ciphertext | tag (16 bytes): any change to it fails decryption instead of
 * yielding altered plain text. The key lives only in its key file and in this object.
 *
 * @example const cipher = await KvCipher.fromKeyFile('/var/lib/squall/datastore.key'); cipher.decrypt(cipher.encrypt('s3cret'))
 */
export class KvCipher {
  readonly #key: Buffer;

  protected constructor(key: Buffer) {
    if (key.length !== KEY_BYTES)
      throw new SquallError('SQ_DATASTORE_KEY', `A datastore key must be ${KEY_BYTES} bytes`);
    this.#key = Buffer.from(key);
  }

  /** The cipher for the key in `path`, created (mode 0600) on first use. */
  static async fromKeyFile(path: string): Promise<KvCipher> {
    return new KvCipher(await loadOrCreateKey(path));
  }

  /** A cipher for a key already in memory (tests, key rotation tools). */
  static fromKey(key: Buffer): KvCipher {
    return new KvCipher(key);
  }

  /** True for a value in this cipher's stored form (what `encrypted: true` imports must look like). */
  static isEncrypted(value: string): boolean {
    return value.startsWith(PREFIX);
  }

  /**
   * @param context binds the value to where it is stored (e.g. `st2kv.system:api_token`): a value copied
   * to another key does not decrypt there. Decrypt with the same context.
   */
  encrypt(plain: string, context = ''): string {
    const iv = randomBytes(IV_BYTES);
    const c = createCipheriv('aes-256-gcm', this.#key, iv);
    c.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return PREFIX + Buffer.concat([iv, body, c.getAuthTag()]).toString('base64url');
  }

  /** @throws SquallError SQ_DATASTORE_DECRYPT for another key's value, a changed value or a wrong context */
  decrypt(stored: string, context = ''): string {
    if (!stored.startsWith(PREFIX)) throw decryptError('it is not an encrypted value');
    const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) throw decryptError('it is too short');
    const d = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, IV_BYTES));
    d.setAAD(Buffer.from(context, 'utf8'));
    d.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    try {
      return Buffer.concat([d.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), d.final()]).toString('utf8');
    } catch {
      throw decryptError('it was encrypted with another key or has been altered');
    }
  }
}

function decryptError(why: string): SquallError {
  return new SquallError('SQ_DATASTORE_DECRYPT', `Cannot decrypt the stored secret: ${why}`);
}
