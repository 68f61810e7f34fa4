import { describe, expect, it } from 'vitest';
import { buildRule } from '../../../engine/rules/build-rule.js';
import { checkTriggerParameters } from '../../../engine/triggers/trigger-parameters.js';

describe('timer trigger parameters', () => {
  it('are checked by building the schedule, naming the field', () => {
    expect(checkTriggerParameters('core.st2.CronTimer', { hour: 5, timezone: 'Europe/Berlin' })).toEqual([]);
    expect(checkTriggerParameters('core.st2.CronTimer', { timezone: 'Mars/Olympus' })).toEqual([
      { field: 'timezone', problem: expect.stringContaining('is not a time zone name') },
    ]);
    expect(checkTriggerParameters('core.st2.DateTimer', { date: 'tomorrow-ish' })).toEqual([
      { field: 'date', problem: expect.stringContaining('is not a date and time') },
    ]);
    expect(checkTriggerParameters('core.st2.IntervalTimer', { unit: 'seconds', delta: 0 })).toEqual([
      { field: 'delta', problem: 'must be a whole number of at least 1' },
    ]);
  });

  it('refuse a rule whose cron schedule cannot be built', () => {
    const { rule, problems } = buildRule({
      name: 'bad_cron',
      trigger: { type: 'core.st2.CronTimer', parameters: { hour: '25' } },
      action: { ref: 'core.noop' },
    });
    expect(rule).toBeUndefined();
    expect(problems[0]).toMatchObject({
      field: 'trigger.parameters',
      problem: expect.stringContaining('not a schedule'),
    });
  });
});
