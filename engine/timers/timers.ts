import { createHash } from 'node:crypto';
import type { Bus, Subscription } from '../bus/bus.js';
import type { Logger } from '../logger.js';
import type { JsonObject } from '../model/json.js';
import type { Rule } from '../model/rule.js';
import type { Store } from '../store/store.js';
import type { TriggerDispatcher } from '../triggers/trigger-dispatcher.js';
import { TIMER_TYPES, type TimerSchedule, timerSchedule } from './timer-schedule.js';

export interface TimersDeps {
  store: Store;
  bus: Bus;
  triggers: TriggerDispatcher;
  logger: Logger;
  /** Re-read the rules at least this often, in case a `rules.changed` broadcast was lost. @default 30000 */
  refreshMs?: number;
  /** The latest tick missed by at most this much (a lease handed over) fires at start. @default 30000 */
  lateMs?: number;
}

/** One timer: the rules of one trigger (type and parameters) share it, as in StackStorm. */
interface Timer {
  key: string;
  type: string;
  parameters: JsonObject;
  schedule: TimerSchedule;
  handle?: NodeJS.Timeout;
}

// setTimeout takes at most 2^31-1 ms; a tick further away is re-armed on the way.
const MAX_DELAY_MS = 2 ** 31 - 1;
const PAGE = 1000;

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
  );
}

/** A stable name for a trigger (type and parameters), the same in every process. */
function timerKey(type: string, parameters: JsonObject): string {
  return createHash('sha256')
    .update(`${type}\0${JSON.stringify(sortKeys(parameters))}`)
    .digest('hex')
    .slice(0, 16);
}

async function enabledTimerRules(store: Store): Promise<Rule[]> {
  const out: Rule[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await store.rules.list({ limit: PAGE, offset });
    out.push(...page.items.filter((r) => r.enabled && TIMER_TYPES.includes(r.trigger.type)));
    if (page.items.length < PAGE || offset + PAGE >= page.total) return out;
  }
}

/**
 * The timers engine (the `timers` role, which one process of a deployment runs under a lease):
 * one timer per distinct timer trigger of the enabled rules, reloaded when rules change. Each tick is
 * claimed in the store (`store.dedup`, key = timer and tick time) before its trigger instance is
 * dispatched, so a tick fires once even while a lease changes hands between two processes.
 */
export async function startTimers(deps: TimersDeps): Promise<{ stop(): Promise<void>; reload(): Promise<void> }> {
  const log = deps.logger.child({ component: 'timers' });
  const lateMs = deps.lateMs ?? 30_000;
  const timers = new Map<string, Timer>();
  let stopped = false;

  async function fire(t: Timer, tick: Date): Promise<void> {
    const at = tick.toISOString();
    if (!(await deps.store.dedup.claim(`timer:${t.key}:${at}`))) return;
    const name = t.type.slice('core.'.length);
    await deps.triggers.dispatch({
      trigger: t.type,
      parameters: t.parameters,
      payload: { executed_at: new Date().toISOString(), schedule: t.parameters },
      trace_tag: `${name}-${t.key}-${at}`,
      occurrence_time: at,
    });
  }

  function arm(t: Timer, after: Date): void {
    if (stopped) return;
    const tick = t.schedule.next(after);
    if (!tick) return;
    const delay = tick.getTime() - Date.now();
    t.handle = setTimeout(
      () => {
        if (stopped || timers.get(t.key) !== t) return;
        if (tick.getTime() > Date.now()) {
          arm(t, new Date(after.getTime()));
          return;
        }
        fire(t, tick)
          .catch((e: Error) =>
            log.error('timer tick not dispatched', { type: t.type, tick: tick.toISOString(), error: e.message }),
          )
          .finally(() => arm(t, tick));
      },
      Math.min(Math.max(0, delay), MAX_DELAY_MS),
    );
    t.handle.unref?.();
  }

  /**
   * The latest tick that fell due in the last `lateMs` (while the lease was changing hands) fires
   * now, unless the previous holder fired it (its claim is in the store); older ones are not caught up.
   */
  function armFirst(t: Timer): void {
    const now = Date.now();
    let missed: Date | undefined;
    let tick = t.schedule.next(new Date(now - lateMs));
    for (let i = 0; tick && tick.getTime() <= now && i < 100_000; i++) {
      missed = tick;
      tick = t.schedule.next(tick);
    }
    if (missed) {
      const late = missed;
      void fire(t, late).catch((e: Error) =>
        log.error('timer tick not dispatched', { type: t.type, tick: late.toISOString(), error: e.message }),
      );
    }
    arm(t, new Date(now));
  }

  async function reload(): Promise<void> {
    let rules: Rule[];
    try {
      rules = await enabledTimerRules(deps.store);
    } catch (e) {
      log.warn('cannot read the rules for timers; keeping the timers I have', { error: (e as Error).message });
      return;
    }
    if (stopped) return;
    const wanted = new Map<string, { type: string; parameters: JsonObject; rules: string[] }>();
    for (const r of rules) {
      const key = timerKey(r.trigger.type, r.trigger.parameters);
      const w = wanted.get(key);
      if (w) w.rules.push(r.ref);
      else wanted.set(key, { type: r.trigger.type, parameters: r.trigger.parameters, rules: [r.ref] });
    }
    for (const [key, t] of timers) {
      if (wanted.has(key)) continue;
      clearTimeout(t.handle);
      timers.delete(key);
    }
    for (const [key, w] of wanted) {
      if (timers.has(key)) continue;
      let schedule: TimerSchedule;
      try {
        schedule = timerSchedule(w.type, w.parameters);
      } catch (e) {
        log.warn('timer not scheduled: its parameters are invalid', { rules: w.rules, error: (e as Error).message });
        continue;
      }
      const t: Timer = { key, type: w.type, parameters: w.parameters, schedule };
      timers.set(key, t);
      armFirst(t);
    }
  }

  let sub: Subscription | undefined;
  try {
    sub = await deps.bus.subscribe('rules.changed', async () => reload());
  } catch (e) {
    log.warn('cannot hear rule changes; timers re-read rules on a timer', { error: (e as Error).message });
  }
  await reload();
  const refresh = setInterval(() => void reload(), deps.refreshMs ?? 30_000);
  refresh.unref();
  // Tick claims are needed only while a tick could still be handed over; a day is plenty.
  const prune = setInterval(() => {
    void deps.store.dedup.prune(new Date(Date.now() - 86_400_000).toISOString()).catch(() => {});
  }, 3_600_000);
  prune.unref();

  return {
    reload,
    async stop() {
      stopped = true;
      clearInterval(refresh);
      clearInterval(prune);
      for (const t of timers.values()) clearTimeout(t.handle);
      timers.clear();
      await sub?.cancel();
    },
  };
}
