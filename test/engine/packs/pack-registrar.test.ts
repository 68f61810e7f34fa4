import { cp, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../engine/logger.js';
import { registerPacks } from '../../../engine/packs/pack-registrar.js';
import { builtinPacksDir } from '../../../engine/packs/packs-root.js';
import { createSqliteStore } from '../../../engine/store/sqlite/sqlite-store.js';
import type { Store } from '../../../engine/store/store.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/packs/', import.meta.url));

describe('registerPacks (SQLite store)', () => {
  let tmp: string;
  let packsRoot: string;
  let store: Store;

  beforeEach(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'squall-register-'));
    packsRoot = join(tmp, 'packs');
    await cp(FIXTURES, packsRoot, { recursive: true });
    store = await createSqliteStore({ kind: 'sqlite', path: join(tmp, 'squall.db') }, { logger: silentLogger });
    await store.init();
  });

  afterEach(async () => {
    await store.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('registers every good pack and the valid files of partly broken ones, skipping packs without a valid pack.yaml', async () => {
    const report = await registerPacks(store, [packsRoot]);
    expect(report.packs).toEqual(['broken', 'good']);
    expect(report.actions).toBe(3);
    expect(report.aliases).toBe(2);
    expect(report.problems.map((p) => p.file)).toEqual([
      'bad_pack_yaml/pack.yaml',
      'broken/actions/bad_type.yaml',
      'broken/actions/bad_type.yaml',
      'broken/actions/no_entry.yaml',
      'broken/actions/syntax.yaml',
      'broken/aliases/unknown_key.yaml',
      'no_pack_yaml/pack.yaml',
    ]);

    expect((await store.packs.list()).items.map((p) => p.ref).sort()).toEqual(['broken', 'good']);
    expect((await store.actions.list()).items.map((a) => a.ref).sort()).toEqual([
      'broken.fine',
      'good.hello',
      'good.ping',
    ]);
    expect((await store.aliases.list()).items.map((a) => a.ref).sort()).toEqual(['broken.fine', 'good.hello']);
    const hello = await store.actions.get('good.hello');
    expect(hello?.parameters.token).toEqual({ type: 'string', secret: true });
    expect((await store.packs.get('good'))?.path).toBe(join(packsRoot, 'good'));
  });

  it('keeps ids on re-registration and removes actions and aliases that vanished from disk', async () => {
    await registerPacks(store, [packsRoot]);
    const before = await store.actions.get('good.hello');
    const packBefore = await store.packs.get('good');

    await unlink(join(packsRoot, 'good/actions/ping.yaml'));
    await unlink(join(packsRoot, 'good/aliases/hello.yaml'));
    await writeFile(
      join(packsRoot, 'good/actions/hello.yaml'),
      'name: hello\nrunner_type: local-shell-script\nentry_point: hello.sh\ndescription: Changed.\n',
    );
    const report = await registerPacks(store, [join(packsRoot, 'good')]);

    expect(report).toEqual({
      packs: ['good'],
      actions: 1,
      aliases: 0,
      triggers: 0,
      rules: 0,
      sensors: 0,
      policies: 0,
      problems: [],
      refused: [],
    });
    const after = await store.actions.get('good.hello');
    expect(after?.id).toBe(before?.id);
    expect(after?.description).toBe('Changed.');
    expect((await store.packs.get('good'))?.id).toBe(packBefore?.id);
    expect(await store.actions.get('good.ping')).toBeUndefined();
    expect(await store.aliases.get('good.hello')).toBeUndefined();
    // Other packs are untouched by registering one.
    expect(await store.actions.get('broken.fine')).toBeDefined();
  });

  it('registers only the packs asked for, and says when one is not found', async () => {
    const report = await registerPacks(store, [packsRoot], { packs: ['good', 'nope'] });
    expect(report.packs).toEqual(['good']);
    expect(report.problems).toEqual([{ file: packsRoot, problem: 'no pack named "nope" was found' }]);
    expect((await store.packs.list()).items.map((p) => p.ref)).toEqual(['good']);
  });

  it('skips an alias the validateAlias hook rejects and reports why', async () => {
    const report = await registerPacks(store, [join(packsRoot, 'good')], {
      validateAlias: (a) => (a.name === 'hello' ? 'cannot parse format "hello {{ name }"' : undefined),
    });
    expect(report.aliases).toBe(0);
    expect(report.problems).toEqual([
      { file: 'good/aliases/hello.yaml', field: 'formats', problem: 'cannot parse format "hello {{ name }"' },
    ]);
    expect(await store.aliases.get('good.hello')).toBeUndefined();
  });

  it('registers the built-in packs without problems', async () => {
    const report = await registerPacks(store, [builtinPacksDir()]);
    expect(report.problems).toEqual([]);
    expect(report.packs).toEqual(['chatops', 'core', 'linux', 'packs']);
    expect((await store.actions.get('core.local'))?.runner_type).toBe('local-shell-cmd');
    expect((await store.aliases.get('chatops.run'))?.action_ref).toBe('core.local');
  });

  it('reports a dir that does not exist', async () => {
    const missing = join(tmp, 'nowhere');
    const report = await registerPacks(store, [missing]);
    expect(report).toEqual({
      packs: [],
      actions: 0,
      aliases: 0,
      triggers: 0,
      rules: 0,
      sensors: 0,
      policies: 0,
      problems: [{ file: missing, problem: 'is neither a pack folder (with pack.yaml) nor a folder of packs' }],
      refused: [],
    });
  });
});
