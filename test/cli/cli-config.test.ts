import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../cli/cli-config.js';
import { parseKeyValues } from '../../cli/kv-args.js';
import { readSavedToken, saveToken } from '../../cli/token-file.js';
import { writeCredentials } from '../../engine/auth/credentials.js';

async function home(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'squall-cfg-'));
}

describe('CLI configuration', () => {
  it('uses the data dir from --data-dir, else SQUALL_HOME', async () => {
    const dir = await home();
    expect((await resolveConfig({ dataDir: dir }, { SQUALL_HOME: '/elsewhere' })).dataDir).toBe(dir);
    expect((await resolveConfig({}, { SQUALL_HOME: dir })).dataDir).toBe(dir);
  });

  it('accepts the API URL with or without /api/v1 and a trailing slash', async () => {
    const dir = await home();
    for (const u of ['http://h:9101', 'http://h:9101/', 'http://h:9101/api', 'http://h:9101/api/v1/']) {
      expect((await resolveConfig({ apiUrl: u, dataDir: dir }, {})).apiUrl).toBe('http://h:9101');
    }
    expect((await resolveConfig({ dataDir: dir }, { SQUALL_API_URL: 'http://x:1' })).apiUrl).toBe('http://x:1');
    expect((await resolveConfig({ dataDir: dir }, {})).apiUrl).toBe('http://127.0.0.1:9101');
  });

  it('takes credentials in order: --api-key, SQUALL_API_KEY, SQUALL_AUTH_TOKEN, login token, credentials file', async () => {
    const dir = await home();
    const url = 'http://127.0.0.1:9101';
    await writeCredentials(dir, { username: 'admin', password: 'pw', api_key: 'file-key' });
    await saveToken(dir, { token: 'saved-token', user: 'bob', api_url: url });
    const auth = async (opts: { apiKey?: string }, env: Record<string, string>) =>
      (await resolveConfig({ ...opts, dataDir: dir }, env)).auth;

    expect(await auth({ apiKey: 'flag' }, { SQUALL_API_KEY: 'env', SQUALL_AUTH_TOKEN: 't' })).toMatchObject({
      kind: 'api-key',
      key: 'flag',
    });
    expect(await auth({}, { SQUALL_API_KEY: 'env', SQUALL_AUTH_TOKEN: 't' })).toMatchObject({
      kind: 'api-key',
      key: 'env',
    });
    expect(await auth({}, { SQUALL_AUTH_TOKEN: 't' })).toMatchObject({ kind: 'token', token: 't' });
    expect(await auth({}, {})).toMatchObject({ kind: 'token', token: 'saved-token' });

    const noLogin = await home();
    await writeCredentials(noLogin, { username: 'admin', password: 'pw', api_key: 'file-key' });
    expect((await resolveConfig({ dataDir: noLogin }, {})).auth).toMatchObject({ kind: 'api-key', key: 'file-key' });
    expect((await resolveConfig({ dataDir: await home() }, {})).auth).toEqual({ kind: 'none' });
  });

  it('does not offer a saved token to another server, nor after it expired', async () => {
    const dir = await home();
    await saveToken(dir, { token: 't', user: 'bob', api_url: 'http://a:1', expiry: '2999-01-01T00:00:00Z' });
    expect(await readSavedToken(dir, 'http://a:1')).toMatchObject({ token: 't' });
    expect(await readSavedToken(dir, 'http://b:1')).toBeUndefined();
    await saveToken(dir, { token: 't', user: 'bob', api_url: 'http://a:1', expiry: '2000-01-01T00:00:00Z' });
    expect(await readSavedToken(dir, 'http://a:1')).toBeUndefined();
  });

  it('fails clearly on a malformed credentials file', async () => {
    const dir = await home();
    await writeFile(join(dir, 'credentials'), 'just text\n');
    await expect(resolveConfig({ dataDir: dir }, {})).rejects.toThrow(/credentials must hold/);
  });
});

describe('key=value parameters', () => {
  it('keeps values as strings, splits on the first =, and lets the last duplicate win', () => {
    expect(parseKeyValues(['cmd=echo a=b', 'count=3', 'count=4', 'empty='])).toEqual({
      cmd: 'echo a=b',
      count: '4',
      empty: '',
    });
  });

  it('rejects a word without a key as a usage error', () => {
    for (const bad of ['novalue', '=x']) {
      expect(() => parseKeyValues([bad])).toThrow(expect.objectContaining({ exitCode: 2 }));
    }
  });
});
