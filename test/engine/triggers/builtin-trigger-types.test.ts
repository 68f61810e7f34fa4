import { describe, expect, it } from 'vitest';
import { BUILTIN_TRIGGER_TYPES, builtinTriggerType } from '../../../engine/triggers/builtin-trigger-types.js';
import { checkTriggerParameters, checkTriggerPayload } from '../../../engine/triggers/trigger-parameters.js';

describe('built-in trigger types', () => {
  it('lists StackStorm’s core trigger types', () => {
    const refs = BUILTIN_TRIGGER_TYPES.map((t) => t.ref);
    for (const ref of [
      'core.st2.webhook',
      'core.st2.IntervalTimer',
      'core.st2.CronTimer',
      'core.st2.DateTimer',
      'core.st2.generic.actiontrigger',
      'core.st2.generic.notifytrigger',
      'core.st2.sensor.process_spawn',
      'core.st2.sensor.process_exit',
      'core.st2.key_value_pair.create',
      'core.st2.key_value_pair.update',
      'core.st2.key_value_pair.value_change',
      'core.st2.key_value_pair.delete',
    ]) {
      expect(refs).toContain(ref);
    }
    expect(builtinTriggerType('core.st2.webhook')?.uid).toBe('trigger_type:core:st2.webhook');
  });

  it('checks rule parameters against StackStorm’s parameter schemas', () => {
    expect(checkTriggerParameters('core.st2.webhook', { url: 'x' })).toEqual([]);
    expect(checkTriggerParameters('core.st2.webhook', {})).toEqual([{ field: 'url', problem: 'is required' }]);
    expect(checkTriggerParameters('core.st2.webhook', { url: 'x', extra: 1 })).toEqual([
      { problem: 'unknown key(s): extra' },
    ]);
    expect(checkTriggerParameters('core.st2.IntervalTimer', { unit: 'seconds', delta: 30 })).toEqual([]);
    expect(checkTriggerParameters('core.st2.CronTimer', { hour: 25 })).not.toEqual([]);
    expect(checkTriggerParameters('core.st2.CronTimer', { hour: '*/2', day_of_week: 'mon-fri' })).toEqual([]);
    // StackStorm does not check formats: dateutil-style dates pass.
    expect(checkTriggerParameters('core.st2.DateTimer', { date: '2030-01-01 10:00:00' })).toEqual([]);
    expect(checkTriggerParameters('core.st2.generic.actiontrigger', { x: 1 })).toEqual([
      { problem: 'core.st2.generic.actiontrigger takes no parameters' },
    ]);
    expect(checkTriggerParameters('mypack.custom', { anything: 1 })).toEqual([]);
  });

  it('checks payloads against the payload schemas', () => {
    const webhook = builtinTriggerType('core.st2.webhook');
    if (!webhook) throw new Error('missing');
    expect(checkTriggerPayload(webhook, { headers: {}, body: [1] })).toEqual([]);
    expect(checkTriggerPayload(webhook, { headers: {}, body: 'text' })).not.toEqual([]);
  });
});
