import { chmod, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KvCipher } from '../../../engine/datastore/kv-cipher.js';
import { loadOrCreateKey } from '../../../engine/datastore/kv-key-file.js';

const dir = () => mkdtemp(join(tmpdir(), 'squall-kv-'));

describe('datastore encryption', () => {
  it('creates the key file with mode 0600 on first use and reuses it', async () => {
    const path = join(await dir(), 'sub', 'datastore.key');
    const a = await KvCipher.fromKeyFile(path);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const b = await KvCipher.fromKeyFile(path);
    expect(b.decrypt(a.encrypt('s3cret'))).toBe('s3cret');
  });

  it('gives concurrent first users the same key', async () => {
    const path = join(await dir(), 'datastore.key');
    const keys = await Promise.all([1, 2, 3, 4].map(() => loadOrCreateKey(path)));
    for (const k of keys) expect(k.equals(keys[0] as Buffer)).toBe(true);
  });

  it('never stores the plain text, and uses a fresh nonce each time', () => {
    const c = KvCipher.fromKey(Buffer.alloc(32, 1));
    const x = c.encrypt('hunter2');
    expect(x).not.toContain('hunter2');
    expect(KvCipher.isEncrypted(x)).toBe(true);
    expect(c.encrypt('hunter2')).not.toBe(x);
  });

  it('detects tampering, another key and another context', () => {
    const c = KvCipher.fromKey(Buffer.alloc(32, 1));
    const x = c.encrypt('hunter2', 'st2kv.system:pw');
    expect(c.decrypt(x, 'st2kv.system:pw')).toBe('hunter2');
    const body = x.slice('sqenc1:'.length);
    const flipped = `sqenc1:${body.slice(0, 20)}${body[20] === 'A' ? 'B' : 'A'}${body.slice(21)}`;
    expect(() => c.decrypt(flipped, 'st2kv.system:pw')).toThrow(/altered/);
    expect(() => KvCipher.fromKey(Buffer.alloc(32, 2)).decrypt(x, 'st2kv.system:pw')).toThrow(/another key/);
    expect(() => c.decrypt(x, 'st2kv.system:other')).toThrow(/SQ_DATASTORE_DECRYPT|altered/);
    expect(() => c.decrypt('plain')).toThrow('it is not an encrypted value');
  });

  it('refuses a key file others can read, or one that holds no key', async () => {
    const d = await dir();
    const open = join(d, 'open.key');
    await writeFile(open, `${Buffer.alloc(32).toString('base64')}\n`, { mode: 0o644 });
    await chmod(open, 0o644);
    await expect(KvCipher.fromKeyFile(open)).rejects.toThrow(/readable by other users \(mode 644\)/);
    const junk = join(d, 'junk.key');
    await writeFile(junk, 'not a key', { mode: 0o600 });
    await expect(KvCipher.fromKeyFile(junk)).rejects.toThrow('does not hold a 256-bit key in base64');
    expect((await readFile(junk, 'utf8')).trim()).toBe('not a key');
  });
});
