import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const RULE = `
name: on_alert
pack: ops
trigger: {type: core.st2.webhook, parameters: {url: alerts}}
criteria:
  trigger.body.status: {type: equals, pattern: DOWN}
  trigger.body.count: {type: greaterthan, pattern: "{{ st2kv.system.threshold }}"}
action:
  ref: ops.restart
  parameters: {host: "{{ trigger.body.host }}", note: "{{ trigger.body.note }}"}
`;

async function files(payload: unknown, rule = RULE): Promise<{ rule: string; payload: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'squall-rule-test-'));
  await writeFile(join(dir, 'rule.yaml'), rule);
  await writeFile(join(dir, 'payload.json'), JSON.stringify(payload));
  return { rule: join(dir, 'rule.yaml'), payload: join(dir, 'payload.json'), dir };
}

describe('squall rule test', () => {
  it('exits 0 on a match, printing each criterion and the rendered parameters', async () => {
    const f = await files({ body: { status: 'DOWN', count: 7, host: 'web1', note: '{{ 7*7 }}' } });
    await writeFile(join(f.dir, 'kv.yaml'), 'system: {threshold: "5"}\n');
    const r = await runCli(['rule', 'test', '--rule', f.rule, '--payload', f.payload, '--kv', join(f.dir, 'kv.yaml')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✔ pass  trigger.body.status equals: value "DOWN", pattern "DOWN"');
    expect(r.stdout).toContain('✔ pass  trigger.body.count greaterthan: value 7, pattern 5');
    expect(r.stdout).toContain('MATCH');
    expect(r.stdout).toContain('"host": "web1"');
    expect(r.stdout).toContain('"note": "{{ 7*7 }}"');
  });

  it('exits 1 when it does not match, says why, and says st2kv has no datastore here', async () => {
    const f = await files({ body: { status: 'UP', count: 7, host: 'web1', note: '' } });
    const r = await runCli(['rule', 'test', '--rule', f.rule, '--payload', f.payload, '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as {
      matched: boolean;
      criteria: { passed: boolean; reason: string }[];
      notes: string[];
    };
    expect(report.matched).toBe(false);
    expect(report.criteria[0]).toMatchObject({ passed: false, reason: 'value "UP", pattern "DOWN"' });
    expect(report.notes.join('\n')).toContain('st2kv.system.threshold: no datastore here (pass --kv FILE)');
  });

  it('exits 1 for another trigger type', async () => {
    const f = await files({ body: { status: 'DOWN' } });
    const r = await runCli([
      'rule',
      'test',
      '--rule',
      f.rule,
      '--payload',
      f.payload,
      '--trigger-type',
      'core.st2.CronTimer',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('note: the rule triggers on core.st2.webhook, not core.st2.CronTimer');
  });

  it('exits 2 for an unreadable file or an invalid rule, naming field: problem', async () => {
    const f = await files(
      {},
      'name: x\ntrigger: {type: core.st2.webhook}\ncriteria: {trigger.a: {type: nope}}\naction: {ref: a.b}\n',
    );
    const bad = await runCli(['rule', 'test', '--rule', f.rule, '--payload', f.payload]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('criteria.trigger.a.type: unknown operator "nope"');
    expect(bad.stderr).toContain('trigger.parameters.url: is required');
    const missing = await runCli(['rule', 'test', '--rule', join(f.dir, 'nope.yaml'), '--payload', f.payload]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read rule file');
  });
});
