import { describe, expect, it } from 'vitest';
import type { KeyLookup } from '../../../engine/datastore/kv-lookup.js';
import type { Rule } from '../../../engine/model/rule.js';
import { buildRule } from '../../../engine/rules/build-rule.js';
import { RuleEvaluator } from '../../../engine/rules/rule-evaluator.js';

function rule(name: string, extra: Record<string, unknown> = {}): Rule {
  const r = buildRule({
    name,
    pack: 'ops',
    trigger: { type: 'core.st2.webhook', parameters: { url: 'alerts' } },
    action: { ref: 'core.noop' },
    ...extra,
  }).rule;
  if (!r) throw new Error('bad rule');
  return r;
}
const hook = (url: string, payload: Record<string, unknown> | null) => ({
  trigger: { type: 'core.st2.webhook', parameters: { url } },
  payload: payload as never,
});

describe('RuleEvaluator', () => {
  it('matches only rules of the event’s trigger type and parameters', async () => {
    const a = rule('a');
    const b = rule('b', { trigger: { type: 'core.st2.webhook', parameters: { url: 'other' } } });
    const c = rule('c', { trigger: { type: 'ops.custom' } });
    const ev = new RuleEvaluator([a, b, c]);
    expect((await ev.evaluate(hook('alerts', { x: 1 }))).matched.map((r) => r.ref)).toEqual(['ops.a']);
    expect((await ev.evaluate({ trigger: { type: 'ops.custom' }, payload: {} })).matched.map((r) => r.ref)).toEqual([
      'ops.c',
    ]);
    expect((await ev.evaluate(hook('nobody', { x: 1 }))).matched).toEqual([]);
  });

  it('skips disabled rules, and replaces or removes rules by ref', async () => {
    const ev = new RuleEvaluator([rule('a', { enabled: false })]);
    expect(ev.size).toBe(0);
    ev.set(rule('a'));
    expect((await ev.evaluate(hook('alerts', { x: 1 }))).matched).toHaveLength(1);
    ev.set(rule('a', { criteria: { 'trigger.x': { type: 'equals', pattern: 2 } } }));
    expect((await ev.evaluate(hook('alerts', { x: 1 }))).matched).toHaveLength(0);
    ev.delete('ops.a');
    expect(ev.size).toBe(0);
  });

  it('a rule with criteria never matches an empty payload; one without criteria does', async () => {
    const ev = new RuleEvaluator([rule('any'), rule('crit', { criteria: { 'trigger.x': { type: 'nexists' } } })]);
    expect((await ev.evaluate(hook('alerts', null))).matched.map((r) => r.name)).toEqual(['any']);
    expect((await ev.evaluate(hook('alerts', {}))).matched.map((r) => r.name)).toEqual(['any']);
  });

  it('matches backstop rules only when no standard rule matched', async () => {
    const std = rule('std', { criteria: { 'trigger.kind': { type: 'equals', pattern: 'known' } } });
    const back = rule('back', { type: { ref: 'backstop' } });
    const ev = new RuleEvaluator([back, std]);
    expect((await ev.evaluate(hook('alerts', { kind: 'known' }))).matched.map((r) => r.name)).toEqual(['std']);
    expect((await ev.evaluate(hook('alerts', { kind: 'odd' }))).matched.map((r) => r.name)).toEqual(['back']);
  });

  it('reads datastore keys for criteria, once per event, only when the other criteria held', async () => {
    const reads: string[] = [];
    const kv: KeyLookup = {
      get: async (_scope, name) => {
        reads.push(name);
        return name === 'threshold' ? '10' : undefined;
      },
    };
    const criteria = {
      'trigger.n': { type: 'greaterthan', pattern: '{{ st2kv.system.threshold }}' },
      'trigger.kind': { type: 'equals', pattern: 'cpu' },
    };
    const ev = new RuleEvaluator([rule('a', { criteria }), rule('b', { criteria })], { kv });
    expect((await ev.evaluate(hook('alerts', { n: 11, kind: 'cpu' }))).matched).toHaveLength(2);
    expect(reads).toEqual(['threshold']);
    expect((await ev.evaluate(hook('alerts', { n: 11, kind: 'disk' }))).matched).toHaveLength(0);
    expect(reads).toEqual(['threshold']);
    expect((await ev.evaluate(hook('alerts', { n: 9, kind: 'cpu' }))).matched).toHaveLength(0);
  });

  it('reports a pattern that cannot be rendered as a failure of that rule, not an exception', async () => {
    const broken = rule('broken', { criteria: { 'trigger.a': { type: 'equals', pattern: '{{ trigger.nope.x }}' } } });
    const fine = rule('fine');
    const out = await new RuleEvaluator([broken, fine]).evaluate(hook('alerts', { a: 1 }));
    expect(out.matched.map((r) => r.name)).toEqual(['fine']);
    expect(out.failures).toHaveLength(1);
    expect(out.failures[0]?.rule.name).toBe('broken');
    expect(out.failures[0]?.reason).toMatch(/^Failed to render pattern value/);
  });

  it('treats trigger parameters in any key order as one trigger', async () => {
    const r = rule('p', { trigger: { type: 'core.st2.CronTimer', parameters: { hour: 1, minute: 2 } } });
    const ev = new RuleEvaluator([r]);
    const out = await ev.evaluate({
      trigger: { type: 'core.st2.CronTimer', parameters: { minute: 2, hour: 1 } },
      payload: {},
    });
    expect(out.matched).toHaveLength(1);
  });
});
