import { describe, expect, it } from 'vitest';
import { buildRule, formatRuleProblems } from '../../../engine/rules/build-rule.js';

const base = {
  name: 'on_alert',
  trigger: { type: 'core.st2.webhook', parameters: { url: 'alerts' } },
  criteria: { 'trigger.body.status': { type: 'equals', pattern: 'DOWN' } },
  action: { ref: 'ops.restart', parameters: { host: '{{ trigger.body.host }}' } },
};

describe('buildRule', () => {
  it('builds StackStorm’s rule shape; a rule without enabled is enabled', () => {
    const { rule, problems } = buildRule(base, { pack: 'ops', metadataFile: 'rules/on_alert.yaml' });
    expect(problems).toEqual([]);
    expect(rule).toMatchObject({
      ref: 'ops.on_alert',
      uid: 'rule:ops:on_alert',
      pack: 'ops',
      enabled: true,
      type: { ref: 'standard', parameters: {} },
      trigger: { type: 'core.st2.webhook', parameters: { url: 'alerts' } },
      action: { ref: 'ops.restart', parameters: { host: '{{ trigger.body.host }}' } },
      metadata_file: 'rules/on_alert.yaml',
    });
    expect(rule?.id).toMatch(/^[0-9a-f]{24}$/);
    expect(buildRule({ ...base, enabled: false }).rule?.enabled).toBe(false);
  });

  it('uses the file’s pack, else "default", and warns when a pack folder disagrees', () => {
    expect(buildRule(base).rule?.ref).toBe('default.on_alert');
    expect(buildRule({ ...base, pack: 'mine' }).rule?.ref).toBe('mine.on_alert');
    const r = buildRule({ ...base, pack: 'other' }, { pack: 'ops' });
    expect(r.rule?.ref).toBe('ops.on_alert');
    expect(r.problems).toEqual([
      { field: 'pack', problem: '"other" differs from the pack\'s ref "ops"; using "ops"', severity: 'warning' },
    ]);
  });

  it('reports every problem as field: problem', () => {
    const { rule, problems } = buildRule({
      name: 'bad',
      critera: {},
      trigger: { type: 'core.st2.IntervalTimer', parameters: { unit: 'fortnights' } },
      criteria: {
        'trigger.a': { type: 'foo' },
        'trigger.b': { type: 'regex', pattern: '([' },
        'trigger.c': { type: 'equals' },
        'trigger.d': { type: 'exists' },
        'payload.x': { type: 'equals', pattern: 1 },
      },
      action: { ref: 'nodot', extra: 1 },
    });
    expect(rule).toBeUndefined();
    const text = formatRuleProblems(problems);
    expect(text).toContain('critera: unknown key');
    expect(text).toContain('action.ref: must be an action ref such as core.local');
    expect(text).toContain('action: unknown key(s): extra');
    expect(text).toContain('criteria.trigger.a.type: unknown operator "foo"');
    expect(text).toContain('criteria.trigger.b.pattern: is not a valid regular expression');
    expect(text).toContain('criteria.trigger.c.pattern: is required for equals');
    expect(text).not.toContain('trigger.d');
    expect(text).toContain('criteria.payload.x: must start with "trigger"');
    expect(text).toContain('trigger.parameters.unit: must be one of weeks, days, hours, minutes, seconds');
    expect(text).toContain('trigger.parameters.delta: is required');
  });

  it('rejects what is not a mapping, and a missing trigger or action', () => {
    expect(buildRule([]).problems).toEqual([{ problem: 'must be a mapping (a rule definition)' }]);
    const text = formatRuleProblems(buildRule({ name: 'x' }).problems);
    expect(text).toBe('trigger: is required; action: is required');
  });

  it('accepts backstop rules, tags and context', () => {
    const { rule } = buildRule({
      ...base,
      type: { ref: 'backstop' },
      tags: [{ name: 't', value: 'v' }],
      context: { user: 'alice' },
    });
    expect(rule?.type.ref).toBe('backstop');
    expect(rule?.tags).toEqual([{ name: 't', value: 'v' }]);
    expect(rule?.context).toEqual({ user: 'alice' });
  });
});
