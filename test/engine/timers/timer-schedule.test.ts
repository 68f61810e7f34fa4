import { describe, expect, it } from 'vitest';
import { cronPattern, timerSchedule } from '../../../engine/timers/timer-schedule.js';

const at = (iso: string) => new Date(iso);

describe('timer schedules', () => {
  it('IntervalTimer ticks every delta units, on multiples of the period', () => {
    const s = timerSchedule('core.st2.IntervalTimer', { unit: 'seconds', delta: 30 });
    expect(s.next(at('2026-12-01T10:00:05Z'))?.toISOString()).toBe('2026-12-01T10:00:30.000Z');
    expect(s.next(at('2026-12-01T10:00:30Z'))?.toISOString()).toBe('2026-12-01T10:01:00.000Z');
    const h = timerSchedule('core.st2.IntervalTimer', { unit: 'hours', delta: 2 });
    expect(h.next(at('2026-12-01T09:59:59Z'))?.toISOString()).toBe('2026-12-01T10:00:00.000Z');
    expect(() => timerSchedule('core.st2.IntervalTimer', { unit: 'fortnights', delta: 1 })).toThrow(/^unit:/);
    expect(() => timerSchedule('core.st2.IntervalTimer', { unit: 'days', delta: 0 })).toThrow(/^delta:/);
  });

  it("CronTimer reads StackStorm's fields as APScheduler does: fields after the last given one start at their minimum", () => {
    expect(cronPattern({ hour: 5 }).pattern).toBe('0 0 5 * * * *');
    expect(cronPattern({ minute: '*/15' }).pattern).toBe('0 */15 * * * * *');
    expect(cronPattern({ second: 10 }).pattern).toBe('10 * * * * * *');
    expect(cronPattern({}).pattern).toBe('0 0 0 1 1 * *');
    // APScheduler counts weekdays from Monday = 0; cron from Sunday = 0.
    expect(cronPattern({ day_of_week: 0, hour: 9 }).pattern).toBe('0 0 9 * * 1 *');
    expect(cronPattern({ day_of_week: '0-4', hour: 9 }).pattern).toBe('0 0 9 * * 1-5 *');
    expect(cronPattern({ day_of_week: 'mon-fri', hour: 9 }).pattern).toBe('0 0 9 * * mon-fri *');
    expect(cronPattern({ year: 2027, month: 3 }).pattern).toBe('0 0 0 1 3 * 2027');
  });

  it('CronTimer fires in its time zone, Monday 09:00 in New York', () => {
    const s = timerSchedule('core.st2.CronTimer', { timezone: 'America/New_York', day_of_week: 0, hour: 9 });
    // 2026-12-01 is a Tuesday; the next Monday is 2026-12-07, 09:00 EST = 14:00 UTC.
    expect(s.next(at('2026-12-01T00:00:00Z'))?.toISOString()).toBe('2026-12-07T14:00:00.000Z');
  });

  it('CronTimer honours week (ISO week number)', () => {
    const s = timerSchedule('core.st2.CronTimer', { week: 1, day_of_week: 0, hour: 0 });
    // ISO week 1 of 2027 starts on Monday 2027-01-04.
    expect(s.next(at('2026-12-01T00:00:00Z'))?.toISOString()).toBe('2027-01-04T00:00:00.000Z');
  });

  it('refuses bad cron fields and time zones, naming them', () => {
    expect(() => timerSchedule('core.st2.CronTimer', { hour: 'nine o clock' })).toThrow(/^hour:/);
    expect(() => timerSchedule('core.st2.CronTimer', { timezone: 'Mars/Olympus', hour: 1 })).toThrow(/^timezone:/);
    expect(() => timerSchedule('core.st2.CronTimer', { hour: 25 })).toThrow(/not a schedule/);
  });

  it('DateTimer fires once, at its date read in its time zone', () => {
    const s = timerSchedule('core.st2.DateTimer', { timezone: 'Europe/Berlin', date: '2026-12-31 23:59:59' });
    expect(s.next(at('2026-12-01T00:00:00Z'))?.toISOString()).toBe('2026-12-31T22:59:59.000Z');
    expect(s.next(at('2026-12-31T22:59:59Z'))).toBeUndefined();
    const utc = timerSchedule('core.st2.DateTimer', { date: '2026-12-31T10:00:00+02:00' });
    expect(utc.next(at('2026-12-01T00:00:00Z'))?.toISOString()).toBe('2026-12-31T08:00:00.000Z');
    expect(() => timerSchedule('core.st2.DateTimer', { date: 'soon' })).toThrow(/^date:/);
  });
});
