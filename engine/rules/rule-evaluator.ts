import type { KeyLookup } from '../datastore/kv-lookup.js';
import { type KvRefs, loadKvContext } from '../datastore/kv-template-context.js';
import type { JsonObject } from '../model/json.js';
import type { Rule } from '../model/rule.js';
import type { TriggerEvent } from '../model/trigger.js';
import { type CompiledCriterion, type CriteriaProblem, compileCriteria } from './criteria/criteria-compile.js';
import { type CriteriaOutcome, evaluateCriteria } from './criteria/criteria-evaluate.js';

export interface RuleEvaluatorOptions {
  /** The datastore, for patterns that name `st2kv.*` keys. */
  kv?: KeyLookup;
  /** Decrypts secrets for `| decrypt_kv` in patterns. */
  decrypt?: (stored: string) => string;
  /** @default () => new Date() */
  now?: () => Date;
  /** Whose `st2kv.user` a rule without `context.user` reads. */
  user?: string;
}

/** A rule whose criteria could not be evaluated for this event: StackStorm records a failed enforcement. */
export interface RuleFailure {
  rule: Rule;
  reason: string;
}

export interface RuleEvaluation {
  /** Rules to enforce, standard rules first; backstop rules only when no standard rule matched. */
  matched: Rule[];
  failures: RuleFailure[];
}

interface CompiledRule {
  rule: Rule;
  /** Criteria that need no datastore, checked first (all criteria must hold, so order does not change the answer). */
  criteria: CompiledCriterion[];
  /** Criteria whose patterns name `st2kv` keys: the keys are read only if the others held. */
  kvCriteria: CompiledCriterion[];
  kvRefs: KvRefs;
  user: string | undefined;
}

/**
 * Decides which enabled rules an event matches. Rules are indexed by trigger type and trigger
 * parameters, so an event is checked only against the rules of its own trigger (one webhook URL, one
 * timer); criteria are compiled once per rule.
 *
 * @example const ev = new RuleEvaluator(rules, { kv }); const { matched } = await ev.evaluate(event)
 */
export class RuleEvaluator {
  readonly #index = new Map<string, Map<string, CompiledRule[]>>();
  readonly #byRef = new Map<string, CompiledRule>();
  readonly #opts: RuleEvaluatorOptions;
  /** Rules left out because their criteria are invalid (they never match). */
  readonly problems: { rule: string; field: string; problem: string }[] = [];

  constructor(rules: Iterable<Rule> = [], opts: RuleEvaluatorOptions = {}) {
    this.#opts = opts;
    for (const r of rules) this.set(r);
  }

  /** Adds or replaces a rule (by ref); a disabled rule is removed. */
  set(rule: Rule): CriteriaProblem[] {
    this.delete(rule.ref);
    if (!rule.enabled) return [];
    const c = compileCriteria(rule.criteria);
    if (c.problems.length) {
      for (const p of c.problems) this.problems.push({ rule: rule.ref, ...p });
      return c.problems;
    }
    const userRaw = rule.context?.user;
    const compiled: CompiledRule = {
      rule,
      criteria: c.criteria.filter((x) => !needsKv(x)),
      kvCriteria: c.criteria.filter(needsKv),
      kvRefs: c.kvRefs,
      user: typeof userRaw === 'string' ? userRaw : this.#opts.user,
    };
    const key = triggerKey(rule.trigger.parameters);
    let byParams = this.#index.get(rule.trigger.type);
    if (!byParams) {
      byParams = new Map();
      this.#index.set(rule.trigger.type, byParams);
    }
    const list = byParams.get(key);
    if (list) list.push(compiled);
    else byParams.set(key, [compiled]);
    this.#byRef.set(rule.ref, compiled);
    return [];
  }

  delete(ref: string): void {
    const c = this.#byRef.get(ref);
    if (!c) return;
    this.#byRef.delete(ref);
    const byParams = this.#index.get(c.rule.trigger.type);
    const key = triggerKey(c.rule.trigger.parameters);
    const list = byParams?.get(key);
    if (!byParams || !list) return;
    const rest = list.filter((x) => x !== c);
    if (rest.length) byParams.set(key, rest);
    else byParams.delete(key);
    if (byParams.size === 0) this.#index.delete(c.rule.trigger.type);
  }

  get size(): number {
    return this.#byRef.size;
  }

  /** The enabled rules on this trigger (type and parameters), in the order they were added. */
  candidates(trigger: TriggerEvent['trigger']): Rule[] {
    return this.#candidates(trigger).map((c) => c.rule);
  }

  #candidates(trigger: TriggerEvent['trigger']): CompiledRule[] {
    return this.#index.get(trigger.type)?.get(triggerKey(trigger.parameters ?? {})) ?? [];
  }

  /** Which rules match the event. Never throws for bad payloads or broken templates (see RuleFailure). */
  async evaluate(event: TriggerEvent): Promise<RuleEvaluation> {
    const out: RuleEvaluation = { matched: [], failures: [] };
    const candidates = this.#candidates(event.trigger);
    if (candidates.length === 0) return out;
    const payload: JsonObject = event.payload ?? {};
    const empty = Object.keys(payload).length === 0;
    const now = this.#opts.now?.() ?? new Date();
    const kv = memoLookup(this.#opts.kv);
    const backstops: CompiledRule[] = [];

    const decrypt = this.#opts.decrypt;
    const check = async (c: CompiledRule): Promise<CriteriaOutcome | undefined> => {
      if (c.criteria.length === 0 && c.kvCriteria.length === 0) return { passed: true, results: [] };
      // StackStorm: criteria on an empty payload never match.
      if (empty) return undefined;
      const context: Record<string, unknown> = { trigger: payload };
      const scope = { context, env: { now }, explain: false, ...(decrypt ? { decrypt } : {}) };
      const first = evaluateCriteria(c.criteria, scope);
      if (!first.passed || c.kvCriteria.length === 0) return first;
      context.st2kv = (await loadKvContext(c.kvRefs, kv, c.user)).st2kv;
      return evaluateCriteria(c.kvCriteria, scope);
    };

    // Most rules name no datastore key: they are checked without a round through the event loop.
    const checkSync = (c: CompiledRule): CriteriaOutcome | undefined => {
      if (c.criteria.length === 0) return { passed: true, results: [] };
      if (empty) return undefined;
      return evaluateCriteria(c.criteria, {
        context: { trigger: payload },
        env: { now },
        explain: false,
        ...(decrypt ? { decrypt } : {}),
      });
    };

    for (const c of candidates) {
      if (c.rule.type.ref === 'backstop') {
        backstops.push(c);
        continue;
      }
      this.#record(c, c.kvCriteria.length ? await check(c) : checkSync(c), out);
    }
    if (out.matched.length === 0) for (const c of backstops) this.#record(c, await check(c), out);
    return out;
  }

  #record(c: CompiledRule, outcome: CriteriaOutcome | undefined, out: RuleEvaluation): void {
    if (!outcome) return;
    if (outcome.passed) out.matched.push(c.rule);
    else if (outcome.error !== undefined) out.failures.push({ rule: c.rule, reason: outcome.error });
  }
}

function needsKv(c: CompiledCriterion): boolean {
  if (c.templated && String(c.pattern).includes('st2kv')) return true;
  return c.children?.some(needsKv) ?? false;
}

/** A lookup that reads each key at most once: one event, several rules naming the same key. */
function memoLookup(kv: KeyLookup | undefined): KeyLookup | undefined {
  if (!kv) return undefined;
  const values = new Map<string, Promise<string | undefined>>();
  const lists = new Map<string, Promise<ReadonlyMap<string, string>>>();
  const memo: KeyLookup = {
    get(scope, name, user) {
      const key = `${scope}\0${user ?? ''}\0${name}`;
      let p = values.get(key);
      if (!p) {
        p = kv.get(scope, name, user);
        values.set(key, p);
      }
      return p;
    },
  };
  const list = kv.list?.bind(kv);
  if (list) {
    memo.list = (scope, user) => {
      const key = `${scope}\0${user ?? ''}`;
      let p = lists.get(key);
      if (!p) {
        p = list(scope, user);
        lists.set(key, p);
      }
      return p;
    };
  }
  return memo;
}

/** Trigger parameters as a key that ignores key order: `{a:1,b:2}` and `{b:2,a:1}` are one trigger. */
export function triggerKey(parameters: JsonObject): string {
  // A webhook's `secret` authenticates requests to its URL; it does not pick the rules that see them.
  const { secret: _secret, ...rest } = parameters;
  return JSON.stringify(sortKeys(rest));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
  return out;
}
