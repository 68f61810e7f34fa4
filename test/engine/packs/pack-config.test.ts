import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../engine/logger.js';
import { readPackConfig } from '../../../engine/packs/pack-config.js';
import { createSqliteStore } from '../../../engine/store/sqlite/sqlite-store.js';

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
