import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../engine/logger.js';
import { packConfigSecrets, readPackConfig } from '../../../engine/packs/pack-config.js';
import { createSqliteStore } from '../../../engine/store/sqlite/sqlite-store.js';
import { makePack } from '../../support/store-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'squall-pack-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readPackConfig', () => {
  it('sees every edit of the config file, also same-sized ones, and its removal', async () => {
    const store = await createSqliteStore({ kind: 'sqlite', path: ':memory:' }, { logger: silentLogger });
    await store.init();
    const deps = { store, configsDir: dir };
    const file = join(dir, 'mypack.yaml');
    try {
      expect((await readPackConfig(deps, 'mypack')).given).toEqual({});
      writeFileSync(file, 'a: 1\n');
      expect((await readPackConfig(deps, 'mypack')).given).toEqual({ a: 1 });
      const first = await readPackConfig(deps, 'mypack');
      first.given.a = 99; // a caller's change stays its own
      writeFileSync(file, 'a: 2\n');
      expect((await readPackConfig(deps, 'mypack')).given).toEqual({ a: 2 });
      unlinkSync(file);
      expect((await readPackConfig(deps, 'mypack')).given).toEqual({});
    } finally {
      await store.close();
    }
  });
});

describe('packConfigSecrets', () => {
  it('gives the values of secret options, nested ones too, and nothing for a pack without a config file', async () => {
    const store = await createSqliteStore({ kind: 'sqlite', path: ':memory:' }, { logger: silentLogger });
    await store.init();
    const packDir = mkdtempSync(join(dir, 'pack-'));
    writeFileSync(
      join(packDir, 'config.schema.yaml'),
      [
        'user: {type: string}',
        'password: {type: string, secret: true}',
        'db:',
        '  type: object',
        '  properties:',
        '    key: {type: string, secret: true}',
        '',
      ].join('\n'),
    );
    await store.packs.upsert(makePack({ ref: 'secretive', path: packDir }));
    const deps = { store, configsDir: dir };
    try {
      expect(await packConfigSecrets(deps, 'secretive')).toEqual([]);
      writeFileSync(join(dir, 'secretive.yaml'), 'user: alice\npassword: hunter22\ndb: {key: k-123}\n');
      expect((await packConfigSecrets(deps, 'secretive')).sort()).toEqual(['hunter22', 'k-123']);
    } finally {
      await store.close();
    }
  });
});
