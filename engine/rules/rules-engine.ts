import { createHash } from 'node:crypto';
import type { Bus, Subscription } from '../bus/bus.js';
import type { KeyLookup } from '../datastore/kv-lookup.js';
import { type KvRefs, type KvTemplateContext, loadKvContext } from '../datastore/kv-template-context.js';
import { SquallError } from '../errors.js';
import type { ExecutionService } from '../executions/execution-service.js';
import type { Logger } from '../logger.js';
import { metrics } from '../metrics/metrics.js';
import type { Rule, RuleEnforcement } from '../model/rule.js';
import type { TriggerInstance } from '../model/trigger.js';
import type { Store } from '../store/store.js';
import { actionParameterKvRefs, renderActionParameters } from './render-action-parameters.js';
import { RuleEvaluator } from './rule-evaluator.js';

/** Whom a rule's action runs as when the rule names no `context.user` (StackStorm's system user). */
export const RULES_SYSTEM_USER = 'stanley';

export interface RulesEngineDeps {
  store: Store;
  bus: Bus;
  executions: ExecutionService;
  logger: Logger;
  /** The datastore's template view and `| decrypt_kv`, for criteria and action parameters. */
  kv?: { lookup: KeyLookup; decrypt: (stored: string) => string };
  /** The work-queue group it consumes `trigger.instance` under. */
  group: string;
  /** Messages handled at once: many in flight let the store commit their writes together. @default 64 */
  prefetch?: number;
  /** Rules are also reloaded this often, in case a `rules.changed` broadcast was lost. @default 30 s */
  reloadMs?: number;
}

export interface RulesEngine {
  /** Processes one stored trigger instance (what a `trigger.instance` message asks). */
  handle(id: string): Promise<void>;
  /** Reloads the rules from the store now. */
  reload(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A 24-hex-digit id derived from the trigger instance and the rule, so that processing an instance
 * again (a redelivery, the recovery sweep) finds what the first attempt created instead of creating
 * it twice. It starts with the instance id's time, as minted ids do.
 */
function derivedId(instanceId: string, ruleId: string, kind: 'enforcement' | 'execution'): string {
  const digest = createHash('sha256').update(`${instanceId}:${ruleId}:${kind}`).digest('hex');
  return instanceId.slice(0, 8) + digest.slice(0, 16);
}

function isCode(e: unknown, code: string): boolean {
  return e instanceof SquallError && e.code === code;
}

/**
 * The rules engine: consumes `trigger.instance` (ids of stored instances), evaluates the enabled rules
 * of the instance's trigger, and when some match claims it `pending → processing` and for each matched
 * rule renders the action's parameters, requests the execution and records the enforcement; then
 * marks the instance `processed` (or `processing_failed` when it could not be processed at all). An
 * instance no rule matches goes straight to `processed`.
 *
 * Each (instance, rule) pair is enforced at most once: the execution and the enforcement have ids
 * derived from the pair, so a second attempt meets SQ_CONFLICT and records what the first did.
 * Rules are held compiled in memory and reloaded when `rules.changed` is broadcast (API writes, pack
 * registration) and every `reloadMs`, never per instance.
 */
export async function startRulesEngine(deps: RulesEngineDeps): Promise<RulesEngine> {
  const { store, executions } = deps;
  const log = deps.logger.child({ component: 'rules' });
  const kv = deps.kv;
  const kvRefs = new WeakMap<Rule, KvRefs>();

  let evaluator: RuleEvaluator | undefined;
  let stale = true;
  let loading: Promise<void> | undefined;

  async function load(): Promise<void> {
    // Changes announced while loading must cause another load: clear first, read after.
    stale = false;
    const rules = (await store.rules.list()).items;
    const next = new RuleEvaluator(rules, {
      ...(kv ? { kv: kv.lookup, decrypt: kv.decrypt } : {}),
      user: RULES_SYSTEM_USER,
    });
    for (const p of next.problems) log.warn('rule left out: invalid criteria', p);
    evaluator = next;
  }

  async function reload(): Promise<void> {
    while (loading) await loading;
    loading = load().finally(() => {
      loading = undefined;
    });
    await loading;
  }

  async function current(): Promise<RuleEvaluator> {
    if (loading) await loading;
    if (stale || !evaluator) await reload();
    return evaluator as RuleEvaluator;
  }

  async function record(e: RuleEnforcement): Promise<void> {
    try {
      await store.ruleEnforcements.create(e);
    } catch (err) {
      // An earlier attempt at this instance recorded it already.
      if (!isCode(err, 'SQ_CONFLICT')) throw err;
    }
  }

  function base(rule: Rule, t: TriggerInstance): Omit<RuleEnforcement, 'status'> {
    return {
      id: derivedId(t.id, rule.id, 'enforcement'),
      rule: { id: rule.id, ref: rule.ref, uid: rule.uid },
      trigger_instance_id: t.id,
      enforced_at: new Date().toISOString(),
      trace_tag: t.trace_tag,
    };
  }

  async function enforce(rule: Rule, t: TriggerInstance): Promise<void> {
    const enforcement = base(rule, t);
    if (await store.ruleEnforcements.get(enforcement.id)) return;
    const user = typeof rule.context?.user === 'string' ? rule.context.user : RULES_SYSTEM_USER;
    const failed = (reason: string) => record({ ...enforcement, status: 'failed', failure_reason: reason });

    let st2kv: KvTemplateContext['st2kv'] | undefined;
    let refs = kvRefs.get(rule);
    if (!refs) {
      refs = actionParameterKvRefs(rule);
      kvRefs.set(rule, refs);
    }
    if (refs.system.size || refs.user.size || refs.dynamicSystem || refs.dynamicUser) {
      st2kv = (await loadKvContext(refs, kv?.lookup, user)).st2kv;
    }
    // Rendered once: payload values arrive as data and are never rendered again.
    const rendered = renderActionParameters(rule, t.payload, {
      ...(st2kv ? { st2kv } : {}),
      ...(kv ? { decrypt: kv.decrypt } : {}),
    });
    if (!rendered.ok) return failed(rendered.reason);

    const executionId = derivedId(t.id, rule.id, 'execution');
    try {
      await executions.request({
        id: executionId,
        action: rule.action.ref,
        parameters: rendered.parameters,
        // Rendered templates are text: cast them to the action's declared types.
        castStrings: true,
        context: {
          user,
          trigger_instance: { id: t.id, name: t.trigger },
          rule: { id: rule.id, ref: rule.ref, name: rule.name },
          trace_context: { trace_tag: t.trace_tag },
        },
      });
    } catch (e) {
      // The execution exists: an earlier attempt created it and stopped before recording this.
      if (!isCode(e, 'SQ_CONFLICT')) {
        if (e instanceof SquallError && e.status < 500) return failed(e.message);
        throw e;
      }
    }
    await record({ ...enforcement, status: 'succeeded', execution_id: executionId });
  }

  async function handle(id: string): Promise<void> {
    const stored = await store.triggerInstances.get(id);
    // Gone, or handled already (a redelivery, a sweep's second message): nothing to do.
    if (stored?.status !== 'pending') return;
    let evaluation: Awaited<ReturnType<RuleEvaluator['evaluate']>>;
    try {
      // Evaluating only reads, so it comes before the claim: most instances match no rule and
      // then take one write (pending → processed) instead of two.
      evaluation = await (await current()).evaluate({
        trigger: { type: stored.trigger, parameters: stored.parameters },
        payload: stored.payload,
      });
    } catch (e) {
      log.error('trigger instance could not be evaluated', {
        id,
        trigger: stored.trigger,
        error: (e as Error).message,
      });
      await store.triggerInstances.setStatus(id, ['pending'], 'processing_failed');
      return;
    }
    const { matched, failures } = evaluation;
    metrics.ruleEvaluated(matched.map((r) => r.ref));
    if (matched.length === 0 && failures.length === 0) {
      await store.triggerInstances.setStatus(id, ['pending'], 'processed');
      return;
    }
    const t = await store.triggerInstances.setStatus(id, ['pending'], 'processing');
    if (!t) return; // another consumer claimed it
    try {
      for (const f of failures) {
        await record({ ...base(f.rule, t), status: 'failed', failure_reason: f.reason });
      }
      for (const rule of matched) await enforce(rule, t);
      await store.triggerInstances.setStatus(id, ['processing'], 'processed');
    } catch (e) {
      log.error('trigger instance could not be processed', { id, trigger: t.trigger, error: (e as Error).message });
      try {
        await store.triggerInstances.setStatus(id, ['processing'], 'processing_failed');
      } catch (err) {
        // Left `processing`: the recovery sweep hands it out again.
        log.error('trigger instance left processing', { id, error: (err as Error).message });
      }
    }
  }

  const subs: Subscription[] = [];
  subs.push(
    await deps.bus.subscribe('rules.changed', async () => {
      stale = true;
    }),
  );
  await reload();
  subs.push(
    await deps.bus.consume('trigger.instance', deps.group, async ({ id }) => handle(id), {
      prefetch: deps.prefetch ?? 64,
    }),
  );
  const timer = setInterval(() => {
    stale = true;
  }, deps.reloadMs ?? 30_000);
  timer.unref();

  return {
    handle,
    reload,
    async stop() {
      clearInterval(timer);
      for (const s of subs) await s.cancel();
    },
  };
}
