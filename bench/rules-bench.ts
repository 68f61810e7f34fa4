import type { KeyLookup } from '../engine/datastore/kv-lookup.js';
import { loadKvContext } from '../engine/datastore/kv-template-context.js';
import type { JsonObject } from '../engine/model/json.js';
import type { Rule } from '../engine/model/rule.js';
import type { TriggerEvent } from '../engine/model/trigger.js';
import { actionParameterKvRefs, renderActionParameters } from '../engine/rules/render-action-parameters.js';
import { RuleEvaluator } from '../engine/rules/rule-evaluator.js';
import { prng } from './alias-bench.js';
import type { Metric } from './bench-util.js';

/**
 * Rules workload: 10,000 trigger instances through 1,000 enabled rules, about 1% of instances
 * matching. `rules_eval_per_s` counts to the enforcement decision in memory (criteria evaluated,
 * action parameters rendered); `rules_trigger_per_s` runs the same workload through a real embedded
 * server, counted from the first dispatch until every instance is processed and every enforcement
 * and its execution are stored.
 *
 * The rules are unkind to the index: they sit on only 20 webhook URLs (50 rules per URL), so every
 * instance is checked against 50 rules; 10% of the rules use a template pattern, 5% a datastore key,
 * 10% a regex and 5% a search over a list.
 */
export function benchRules(ruleCount = 1000, urls = 20): Rule[] {
  const rules: Rule[] = [];
  for (let i = 0; i < ruleCount; i++) {
    const criteria: Rule['criteria'] = {
      'trigger.body.service': { type: 'equals', pattern: `svc${i}` },
    };
    const kind = i % 20;
    if (kind === 0 || kind === 1)
      criteria['trigger.body.count'] = { type: 'greaterthan', pattern: '{{ trigger.body.min }}' };
    else if (kind === 2) criteria['trigger.body.count'] = { type: 'lessthan', pattern: '{{ st2kv.system.limit }}' };
    else if (kind === 3 || kind === 4) criteria["trigger.headers['X-Env']"] = { type: 'regex', pattern: '^prod-\\d+$' };
    else if (kind === 5) {
      criteria['trigger.body.tags'] = {
        type: 'search',
        condition: 'any',
        pattern: { 'item.name': { type: 'equals', pattern: 'page' } },
      };
    } else criteria['trigger.body.status'] = { type: 'iequals', pattern: 'down' };
    rules.push({
      id: `r${i}`,
      uid: `rule:bench:r${i}`,
      ref: `bench.r${i}`,
      pack: 'bench',
      name: `r${i}`,
      description: '',
      enabled: true,
      type: { ref: 'standard', parameters: {} },
      trigger: { type: 'core.st2.webhook', parameters: { url: `hook${i % urls}` } },
      criteria,
      action: {
        ref: 'core.local',
        parameters: {
          cmd: 'echo {{ trigger.body.service }} {{ trigger.body.status }}',
          timeout: '{{ trigger.body.count }}',
        },
      },
    });
  }
  return rules;
}

export function benchEvents(count: number, ruleCount = 1000, urls = 20, matchShare = 0.01): TriggerEvent[] {
  const rnd = prng(7);
  const events: TriggerEvent[] = [];
  for (let n = 0; n < count; n++) {
    const i = Math.floor(rnd() * ruleCount);
    const hit = rnd() < matchShare;
    events.push({
      trigger: { type: 'core.st2.webhook', parameters: { url: `hook${i % urls}` } },
      payload: {
        headers: { 'X-Env': 'prod-7', 'Content-Type': 'application/json' },
        // A miss names a service no rule has, so its 50 candidates are each checked and fail.
        body: {
          service: hit ? `svc${i}` : `other${n}`,
          status: 'DOWN',
          count: 5,
          min: 1,
          tags: [{ name: 'x' }, { name: 'page' }],
        },
      },
    });
  }
  return events;
}

const kv: KeyLookup = { get: async (_scope, name) => (name === 'limit' ? '10' : undefined) };

/** Runs the events through the evaluator; returns how many enforcements would be made. */
export async function runRules(evaluator: RuleEvaluator, events: readonly TriggerEvent[]): Promise<number> {
  let enforcements = 0;
  for (const e of events) {
    const { matched } = await evaluator.evaluate(e);
    for (const rule of matched) {
      const st2kv = (await loadKvContext(actionParameterKvRefs(rule), kv, undefined)).st2kv;
      const params = renderActionParameters(rule, e.payload as JsonObject, { st2kv });
      if (params.ok) enforcements++;
    }
  }
  return enforcements;
}

export async function benchRulesEval(): Promise<Metric[]> {
  const rules = benchRules();
  const evaluator = new RuleEvaluator(rules, { kv });
  if (evaluator.problems.length) throw new Error(`bench rules invalid: ${evaluator.problems[0]?.problem}`);
  const events = benchEvents(10_000);
  await runRules(evaluator, events.slice(0, 1000)); // warm-up
  const start = performance.now();
  const enforcements = await runRules(evaluator, events);
  const seconds = (performance.now() - start) / 1000;
  if (enforcements < 50) throw new Error(`bench workload matched only ${enforcements} instances`);
  return [
    {
      metric: 'rules_eval_per_s',
      value: Math.round(events.length / seconds),
      unit: `trigger instances/s (1000 rules, ${enforcements} enforcements decided in memory, not stored)`,
    },
  ];
}
