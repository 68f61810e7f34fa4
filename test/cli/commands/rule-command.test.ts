import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { silentLogger } from '../../../engine/logger.js';
import { waitFor } from '../../support/processes.js';
import { type CliRun, runCli } from '../run-cli.js';

// The real CLI (a child process) against a real server, as the admin the server created.
let server: RunningServer;
let dataDir: string;

function squall(args: string[]): Promise<CliRun> {
  return runCli(args, { env: { SQUALL_HOME: dataDir, SQUALL_API_URL: server.url ?? '' } });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'squall-cli-rule-'));
  server = await startServer({ host: '127.0.0.1', port: 0, dataDir, logger: silentLogger });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('squall rule, trigger, trigger-instance and rule-enforcement', () => {
  it('creates a rule from a YAML file and lists it', async () => {
    const file = join(dataDir, 'on_disk.yaml');
    await writeFile(
      file,
      'name: on_disk\npack: ops\ndescription: Disk alerts\ntrigger:\n  type: ops.disk_full\naction:\n  ref: core.local\n  parameters:\n    cmd: "echo {{ trigger.host }}"\n',
    );
    const created = await squall(['rule', 'create', file]);
    expect(created.stderr).toBe('');
    expect(created.stdout).toContain('Created rule "ops.on_disk" (enabled).');
    const list = await squall(['rule', 'list', '--pack', 'ops']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/ops\.on_disk\s*│\s*true\s*│\s*ops\.disk_full\s*│\s*core\.local/);
  });

  it('disables, enables and shows a rule', async () => {
    const disabled = await squall(['rule', 'disable', 'ops.on_disk', '--json']);
    expect(JSON.parse(disabled.stdout)).toMatchObject({ ref: 'ops.on_disk', enabled: false });
    expect((await server.core.store.rules.get('ops.on_disk'))?.enabled).toBe(false);
    expect((await squall(['rule', 'enable', 'ops.on_disk'])).stdout).toContain('Rule "ops.on_disk" is enabled.');
    const got = await squall(['rule', 'get', 'ops.on_disk']);
    expect(got.stdout).toMatch(/enabled\s*│\s*true/);
    expect(got.stdout).toContain('echo {{ trigger.host }}');
  });

  it('says what is wrong with a bad rule file and exits non-zero', async () => {
    const bad = join(dataDir, 'bad.yaml');
    await writeFile(bad, 'name: bad\ntrigger: {type: ops.disk_full}\ncritera: {}\n');
    const r = await squall(['rule', 'create', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('critera: unknown key');
    expect(r.stderr).toContain('action: is required');
    const unreadable = await squall(['rule', 'create', join(dataDir, 'nope.yaml')]);
    expect(unreadable.code).toBe(2);
  });

  let instanceId = '';

  it('lists trigger types and trigger instances, and gets one', async () => {
    const types = await squall(['trigger', 'list', '--json']);
    const refs = (JSON.parse(types.stdout) as { ref: string }[]).map((t) => t.ref);
    expect(refs).toEqual(expect.arrayContaining(['core.st2.webhook', 'core.st2.CronTimer']));

    const t = await server.core.triggers.dispatch({ trigger: 'ops.disk_full', payload: { host: 'db1' } });
    await waitFor(async () =>
      (await server.core.store.triggerInstances.get(t.id))?.status === 'processed' ? true : undefined,
    );
    const listed = await squall(['trigger-instance', 'list', '--trigger', 'ops.disk_full']);
    expect(listed.stdout).toMatch(new RegExp(`${t.id}\\s*│\\s*ops\\.disk_full\\s*│.*│\\s*processed`));
    const got = await squall(['trigger-instance', 'get', t.id]);
    expect(got.stdout).toContain('"host": "db1"');
    instanceId = t.id;
  });

  it('lists the enforcements of a rule and re-emits an instance', async () => {
    const t = { id: instanceId };

    const enf = await squall(['rule-enforcement', 'list', '--rule', 'ops.on_disk', '--json']);
    const items = JSON.parse(enf.stdout) as { trigger_instance_id: string; status: string; execution_id: string }[];
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ trigger_instance_id: t.id, status: 'succeeded' });
    const e = await server.core.store.executions.get(items[0]!.execution_id);
    expect(e?.parameters.cmd).toBe('echo db1');

    const again = await squall(['trigger-instance', 're-emit', t.id]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`Trigger instance ${t.id} succesfully re-sent.`);
    await waitFor(async () =>
      (await server.core.store.ruleEnforcements.list({ ruleRef: 'ops.on_disk' })).total === 2 ? true : undefined,
    );
    const table = await squall(['rule-enforcement', 'list', '--rule', 'ops.on_disk']);
    expect((table.stdout.match(/ops\.on_disk/g) ?? []).length).toBe(2);
    expect(table.stdout).toContain('succeeded');
  });

  it('deletes a rule', async () => {
    expect((await squall(['rule', 'delete', 'ops.on_disk'])).stdout).toContain('Deleted rule "ops.on_disk".');
    expect((await squall(['rule', 'get', 'ops.on_disk'])).code).toBe(1);
  });
});
