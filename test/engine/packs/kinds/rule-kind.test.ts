import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../engine/logger.js';
import { registerPacks } from '../../../../engine/packs/pack-registrar.js';
import { createSqliteStore } from '../../../../engine/store/sqlite/sqlite-store.js';
import type { Store } from '../../../../engine/store/store.js';

const GOOD_RULE = `---
name: on_alert
pack: ops
description: Restart on alert
enabled: true
trigger:
  type: core.st2.webhook
  parameters:
    url: alerts
criteria:
  trigger.body.severity:
    type: equals
    pattern: high
action:
  ref: core.local
  parameters:
    cmd: "echo {{ trigger.body.host }}"
`;

describe('rules and trigger types in packs', () => {
  let tmp: string;
  let pack: string;
  let store: Store;

  beforeEach(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'squall-rule-kind-'));
    pack = join(tmp, 'ops');
    await mkdir(join(pack, 'rules'), { recursive: true });
    await mkdir(join(pack, 'triggers'), { recursive: true });
    await writeFile(join(pack, 'pack.yaml'), 'name: ops\ndescription: Ops\nauthor: me\nversion: 1.0.0\n');
    store = await createSqliteStore({ kind: 'sqlite', path: ':memory:' }, { logger: silentLogger });
    await store.init();
  });
  afterEach(async () => {
    await store.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('registers rules/*.yaml in StackStorm format and prunes removed ones', async () => {
    await writeFile(join(pack, 'rules/on_alert.yaml'), GOOD_RULE);
    await writeFile(
      join(pack, 'rules/second.yaml'),
      'name: second\ntrigger: {type: ops.disk_full}\naction: {ref: core.noop}\n',
    );
    const report = await registerPacks(store, [pack]);
    expect(report.problems).toEqual([]);
    expect(report.rules).toBe(2);
    const rule = await store.rules.get('ops.on_alert');
    expect(rule).toMatchObject({
      ref: 'ops.on_alert',
      uid: 'rule:ops:on_alert',
      pack: 'ops',
      enabled: true,
      trigger: { type: 'core.st2.webhook', parameters: { url: 'alerts' } },
      criteria: { 'trigger.body.severity': { type: 'equals', pattern: 'high' } },
      action: { ref: 'core.local', parameters: { cmd: 'echo {{ trigger.body.host }}' } },
      metadata_file: 'rules/on_alert.yaml',
    });
    // Squall: a rule without `enabled` is enabled.
    expect((await store.rules.get('ops.second'))?.enabled).toBe(true);

    await unlink(join(pack, 'rules/second.yaml'));
    await registerPacks(store, [pack]);
    expect((await store.rules.list()).items.map((r) => r.ref)).toEqual(['ops.on_alert']);
    expect((await store.rules.get('ops.on_alert'))?.id).toBe(rule?.id);
  });

  it('reports a bad rule file by file and field and skips it, keeping the good ones', async () => {
    await writeFile(join(pack, 'rules/on_alert.yaml'), GOOD_RULE);
    await writeFile(
      join(pack, 'rules/bad_operator.yaml'),
      'name: bad_operator\ntrigger: {type: core.st2.webhook, parameters: {url: x}}\ncriteria:\n  trigger.a: {type: bigger, pattern: 1}\naction: {ref: core.noop}\n',
    );
    await writeFile(
      join(pack, 'rules/typo.yaml'),
      'name: typo\ntrigger: {type: a.b}\ncritera: {}\naction: {ref: core.noop}\n',
    );
    await writeFile(join(pack, 'rules/no_action.yaml'), 'name: no_action\ntrigger: {type: a.b}\n');
    await writeFile(join(pack, 'rules/syntax.yaml'), 'name: [unclosed\n');
    const report = await registerPacks(store, [pack]);
    expect(report.rules).toBe(1);
    const byFile = (f: string) => report.problems.filter((p) => p.file === `ops/rules/${f}`);
    expect(byFile('bad_operator.yaml')).toEqual([
      expect.objectContaining({ field: 'criteria.trigger.a.type', problem: expect.stringContaining('bigger') }),
    ]);
    expect(byFile('typo.yaml')).toEqual([expect.objectContaining({ field: 'critera' })]);
    expect(byFile('no_action.yaml')).toEqual([
      { file: 'ops/rules/no_action.yaml', field: 'action', problem: 'is required' },
    ]);
    expect(byFile('syntax.yaml')).toHaveLength(1);
    expect((await store.rules.list()).items.map((r) => r.ref)).toEqual(['ops.on_alert']);
  });

  it('registers triggers/*.yaml as trigger types and refuses to redefine a built-in', async () => {
    await writeFile(
      join(pack, 'triggers/disk_full.yaml'),
      'name: disk_full\ndescription: A disk filled up\npayload_schema:\n  type: object\n  properties:\n    host: {type: string}\n',
    );
    const report = await registerPacks(store, [pack]);
    expect(report.problems).toEqual([]);
    expect(report.triggers).toBe(1);
    expect(await store.triggerTypes.get('ops.disk_full')).toMatchObject({
      ref: 'ops.disk_full',
      uid: 'trigger_type:ops:disk_full',
      pack: 'ops',
      description: 'A disk filled up',
      parameters_schema: {},
      payload_schema: { type: 'object', properties: { host: { type: 'string' } } },
    });

    const core = join(tmp, 'core');
    await mkdir(join(core, 'triggers'), { recursive: true });
    await writeFile(join(core, 'pack.yaml'), 'name: core\ndescription: Not the real one\nauthor: me\nversion: 1.0.0\n');
    await writeFile(join(core, 'triggers/webhook.yaml'), 'name: st2.webhook\ndescription: Mine\n');
    const again = await registerPacks(store, [core]);
    expect(again.problems).toEqual([
      {
        file: 'core/triggers/webhook.yaml',
        field: 'name',
        problem: 'core.st2.webhook is a built-in trigger type and cannot be redefined',
      },
    ]);
    expect(await store.triggerTypes.get('core.st2.webhook')).toBeUndefined();
  });
});
