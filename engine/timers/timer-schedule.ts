import { Cron } from 'croner';
import type { JsonObject, JsonValue } from '../model/json.js';

export const INTERVAL_TIMER = 'core.st2.IntervalTimer';
export const CRON_TIMER = 'core.st2.CronTimer';
export const DATE_TIMER = 'core.st2.DateTimer';
export const TIMER_TYPES: readonly string[] = [INTERVAL_TIMER, CRON_TIMER, DATE_TIMER];

/** When a timer fires next: the first tick strictly after `after`, or undefined when it never will again. */
export interface TimerSchedule {
  next(after: Date): Date | undefined;
}

const UNIT_MS: Record<string, number> = {
  weeks: 7 * 86_400_000,
  days: 86_400_000,
  hours: 3_600_000,
  minutes: 60_000,
  seconds: 1000,
};

function timezoneOf(p: JsonObject): string {
  const tz = p.timezone;
  if (tz === undefined || tz === null || tz === '') return 'UTC';
  if (typeof tz !== 'string') throw new Error('timezone: must be a time zone name such as Europe/Berlin');
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new Error(`timezone: "${tz.slice(0, 64)}" is not a time zone name (such as UTC or Europe/Berlin)`);
  }
  return tz;
}

/**
 * IntervalTimer: every `delta` `unit`s. Ticks are aligned on multiples of the period since the Unix
 * epoch (StackStorm counts from when its timer engine started), so that every process computes the
 * same ticks and a tick handed over between processes is recognised as the same one.
 */
function intervalSchedule(p: JsonObject): TimerSchedule {
  const unit = p.unit;
  const delta = p.delta;
  const unitMs = typeof unit === 'string' ? UNIT_MS[unit] : undefined;
  if (unitMs === undefined) throw new Error('unit: must be one of weeks, days, hours, minutes, seconds');
  if (typeof delta !== 'number' || !Number.isInteger(delta) || delta < 1)
    throw new Error('delta: must be a whole number of at least 1');
  const period = unitMs * delta;
  return { next: (after) => new Date((Math.floor(after.getTime() / period) + 1) * period) };
}

/** A DateTimer's date without an offset is read in its `timezone` (StackStorm: `2014-12-31 23:59:59`). */
function dateSchedule(p: JsonObject): TimerSchedule {
  const text = p.date;
  if (typeof text !== 'string' || text.trim() === '') throw new Error('date: must be a date and time');
  const iso = text.trim().replace(' ', 'T');
  let at: Date | undefined;
  if (/(Z|[+-]\d\d:?\d\d)$/i.test(iso)) {
    const t = Date.parse(iso);
    if (Number.isNaN(t)) throw new Error(`date: "${text.slice(0, 64)}" is not a date and time`);
    at = new Date(t);
  } else {
    try {
      at = new Cron(iso, { timezone: timezoneOf(p), paused: true }).nextRun(new Date(0)) ?? undefined;
    } catch {
      throw new Error(`date: "${text.slice(0, 64)}" is not a date and time (such as 2026-12-31 23:59:59)`);
    }
    if (!at) throw new Error(`date: "${text.slice(0, 64)}" is not a date and time`);
  }
  const when = at;
  return { next: (after) => (when.getTime() > after.getTime() ? when : undefined) };
}

// APScheduler's CronTrigger fields, most significant first, and the defaults of the fields after the
// last one given (those before it default to `*`). week and day_of_week always default to `*`.
const CRON_FIELDS = ['year', 'month', 'day', 'week', 'day_of_week', 'hour', 'minute', 'second'] as const;
type CronField = (typeof CRON_FIELDS)[number];
const DEFAULTS: Record<CronField, string> = {
  year: '*',
  month: '1',
  day: '1',
  week: '*',
  day_of_week: '*',
  hour: '0',
  minute: '0',
  second: '0',
};

const SIMPLE = /^[\w*/,-]+$/;

function fieldText(name: CronField, v: JsonValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  if (typeof v === 'string' && v.trim() !== '') {
    const s = v.trim().toLowerCase();
    if (s === 'last' && name === 'day') return 'L';
    if (!SIMPLE.test(s))
      throw new Error(
        `${name}: "${v.slice(0, 64)}" is not a cron expression Squall reads (*, */n, a-b, a-b/n, lists, names)`,
      );
    return s;
  }
  throw new Error(`${name}: must be a number or a cron expression`);
}

/** APScheduler numbers weekdays from Monday (0) to Sunday (6); cron from Sunday (0, or 7). */
function cronWeekdays(expr: string): string {
  return expr
    .split(',')
    .map((part) => {
      const [range, step] = part.split('/');
      const mapped = (range ?? '').replace(/\d+/g, (d) => String(Number(d) + 1));
      return step === undefined ? mapped : `${mapped}/${step}`;
    })
    .join(',');
}

/** ISO week numbers a `week` expression allows (`*`, `*\/n`, `a-b`, `a-b/n`, lists). */
function weekSet(expr: string): Set<number> {
  const out = new Set<number>();
  for (const part of expr.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    const [lo, hi] =
      range === '*'
        ? [1, 53]
        : range.includes('-')
          ? range.split('-').map(Number)
          : [Number(range), stepText ? 53 : Number(range)];
    if (
      !Number.isInteger(lo) ||
      !Number.isInteger(hi) ||
      !Number.isInteger(step) ||
      step < 1 ||
      (lo as number) < 1 ||
      (hi as number) > 53
    ) {
      throw new Error(`week: "${expr.slice(0, 64)}" is not a week expression (1-53)`);
    }
    for (let w = lo as number; w <= (hi as number); w += step) out.add(w);
  }
  return out;
}

function isoWeek(d: Date, timezone: string): number {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  })
    .formatToParts(d)
    .reduce<Record<string, string>>((acc, p) => Object.assign(acc, { [p.type]: p.value }), {});
  const local = new Date(Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day)));
  const day = local.getUTCDay() || 7;
  local.setUTCDate(local.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(local.getUTCFullYear(), 0, 1);
  return Math.ceil(((local.getTime() - yearStart) / 86_400_000 + 1) / 7);
}

/** The 7-field croner pattern (`sec min hour day month weekday year`) for StackStorm's CronTimer fields. */
export function cronPattern(p: JsonObject): { pattern: string; weeks: Set<number> | undefined } {
  const given = CRON_FIELDS.filter((f) => fieldText(f, p[f]) !== undefined);
  const last = given.length ? CRON_FIELDS.indexOf(given[given.length - 1] as CronField) : -1;
  const v = {} as Record<CronField, string>;
  CRON_FIELDS.forEach((f, i) => {
    v[f] = fieldText(f, p[f]) ?? (i < last && f !== 'week' && f !== 'day_of_week' ? '*' : DEFAULTS[f]);
  });
  const weeks = v.week === '*' ? undefined : weekSet(v.week);
  const dow = v.day_of_week === '*' ? '*' : cronWeekdays(v.day_of_week);
  return { pattern: `${v.second} ${v.minute} ${v.hour} ${v.day} ${v.month} ${dow} ${v.year}`, weeks };
}

function cronSchedule(p: JsonObject): TimerSchedule {
  const timezone = timezoneOf(p);
  const { pattern, weeks } = cronPattern(p);
  let cron: Cron;
  try {
    cron = new Cron(pattern, { timezone, paused: true, mode: '7-part', domAndDow: true });
  } catch (e) {
    throw new Error(`not a schedule: ${(e as Error).message}`);
  }
  return {
    next(after) {
      let t: Date | null = after;
      // A week filter skips whole weeks at most 53 times a year: bounded.
      for (let i = 0; i < 400; i++) {
        t = cron.nextRun(t);
        if (!t) return undefined;
        if (!weeks || weeks.has(isoWeek(t, timezone))) return t;
      }
      return undefined;
    },
  };
}

/** The schedule of a timer trigger, or throws an Error naming the parameter that is wrong. */
export function timerSchedule(type: string, parameters: JsonObject): TimerSchedule {
  if (type === INTERVAL_TIMER) return intervalSchedule(parameters);
  if (type === DATE_TIMER) return dateSchedule(parameters);
  if (type === CRON_TIMER) return cronSchedule(parameters);
  throw new Error(`${type} is not a timer trigger type`);
}
