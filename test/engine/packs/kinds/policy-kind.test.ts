import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../engine/logger.js';
import { registerPacks } from '../../../../engine/packs/pack-registrar.js';
import { createSqliteStore } from '../../../../engine/store/sqlite/sqlite-store.js';
import type { Store } from '../../../../engine/store/store.js';

describe('policies in packs', () => {
  let tmp: string;
  let pack: string;
  let store: Store;

  beforeEach(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'squall-policy-kind-'));
    pack = join(tmp, 'ops');
    await mkdir(join(pack, 'policies'), { recursive: true });
    await writeFile(join(pack, 'pack.yaml'), 'name: ops\ndescription: Ops\nauthor: me\nversion: 1.0.0\n');
    store = await createSqliteStore({ kind: 'sqlite', path: ':memory:' }, { logger: silentLogger });
    await store.init();
  });
  afterEach(async () => {
    await store.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('registers policies/*.yaml with the type defaults and names what is wrong in a bad one', async () => {
    await writeFile(
      join(pack, 'policies/retry.yaml'),
      'name: deploy.retry\nresource_ref: ops.deploy\npolicy_type: action.retry\nparameters: {retry_on: timeout}\n',
    );
    await writeFile(
      join(pack, 'policies/bad_type.yaml'),
      'name: bad_type\nresource_ref: ops.deploy\npolicy_type: action.throttle\n',
    );
    await writeFile(
      join(pack, 'policies/bad_params.yaml'),
      'name: bad_params\nresource_ref: ops.deploy\npolicy_type: action.concurrency\nparameters: {threshold: -2, action: queue}\n',
    );
    await writeFile(
      join(pack, 'policies/typo.yaml'),
      'name: typo\nresource_ref: ops.deploy\npolicy_type: action.concurrency\nparameter: {threshold: 1}\n',
    );
    const report = await registerPacks(store, [pack]);
    expect(await store.policies.get('ops.deploy.retry')).toMatchObject({
      uid: 'policy:ops:deploy.retry',
      enabled: true,
      description: '',
      parameters: { retry_on: 'timeout', max_retry_count: 2, delay: 0 },
      metadata_file: 'policies/retry.yaml',
    });
    expect((await store.policies.list()).total).toBe(1);
    const problems = report.problems.map((p) => `${p.file}: ${p.field}: ${p.problem}`);
    expect(problems).toContainEqual(
      expect.stringMatching(
        /bad_type\.yaml: policy_type: must be one of action\.concurrency, action\.concurrency\.attr, action\.retry/,
      ),
    );
    expect(problems).toContainEqual(
      expect.stringMatching(/bad_params\.yaml: parameters\.threshold: must be 0 or more/),
    );
    expect(problems).toContainEqual(
      expect.stringMatching(/bad_params\.yaml: parameters\.action: must be delay or cancel/),
    );
    expect(problems).toContainEqual(expect.stringMatching(/typo\.yaml: parameter: unknown key/));
  });
});
