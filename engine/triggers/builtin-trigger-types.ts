import type { JsonObject } from '../model/json.js';
import type { TriggerType } from '../model/trigger.js';

/**
 * StackStorm's built-in trigger types (st2common/constants/triggers.py), as data. The schemas are
 * StackStorm's, written with draft-4 `required` arrays where StackStorm uses draft-3 `required: true`.
 */

const stringOrInt = (extra: JsonObject = {}): JsonObject => ({
  anyOf: [{ type: 'string' }, { type: 'integer', ...extra }],
});

const TIMER_PAYLOAD: JsonObject = {
  type: 'object',
  properties: {
    executed_at: { type: 'string', format: 'date-time' },
    schedule: { type: 'object' },
  },
};

const OBJECT_PAYLOAD: JsonObject = { type: 'object', properties: { object: {} } };

function core(
  name: string,
  description: string,
  parameters_schema: JsonObject,
  payload_schema: JsonObject,
): TriggerType {
  return {
    ref: `core.${name}`,
    uid: `trigger_type:core:${name}`,
    pack: 'core',
    name,
    description,
    parameters_schema,
    payload_schema,
  };
}

export const BUILTIN_TRIGGER_TYPES: readonly TriggerType[] = Object.freeze([
  core(
    'st2.webhook',
    'Trigger type for registering webhooks that can consume arbitrary payload.',
    {
      type: 'object',
      // `secret` is Squall's: the HMAC-SHA256 key of X-Hub-Signature-256 (never shown by the API).
      properties: { url: { type: 'string' }, secret: { type: 'string', secret: true } },
      required: ['url'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: {
        headers: { type: 'object' },
        headers_lower: { type: 'object' },
        body: { anyOf: [{ type: 'array' }, { type: 'object' }] },
      },
    },
  ),
  core(
    'st2.IntervalTimer',
    'Triggers on specified intervals. e.g. every 30s, 1week etc.',
    {
      type: 'object',
      properties: {
        timezone: { type: 'string' },
        unit: { enum: ['weeks', 'days', 'hours', 'minutes', 'seconds'] },
        delta: { type: 'integer' },
      },
      required: ['unit', 'delta'],
      additionalProperties: false,
    },
    TIMER_PAYLOAD,
  ),
  core(
    'st2.DateTimer',
    'Triggers exactly once when the current time matches the specified time. e.g. timezone:UTC date:2014-12-31 23:59:59.',
    {
      type: 'object',
      properties: {
        timezone: { type: 'string' },
        date: { type: 'string', format: 'date-time' },
      },
      required: ['date'],
      additionalProperties: false,
    },
    TIMER_PAYLOAD,
  ),
  core(
    'st2.CronTimer',
    'Triggers whenever current time matches the specified time constaints like a UNIX cron scheduler.',
    {
      type: 'object',
      properties: {
        timezone: { type: 'string' },
        year: stringOrInt(),
        month: stringOrInt({ minimum: 1, maximum: 12 }),
        day: stringOrInt({ minimum: 1, maximum: 31 }),
        week: stringOrInt({ minimum: 1, maximum: 53 }),
        day_of_week: stringOrInt({ minimum: 0, maximum: 6 }),
        hour: stringOrInt({ minimum: 0, maximum: 23 }),
        minute: stringOrInt({ minimum: 0, maximum: 59 }),
        second: stringOrInt({ minimum: 0, maximum: 59 }),
      },
      additionalProperties: false,
    },
    TIMER_PAYLOAD,
  ),
  core(
    'st2.generic.actiontrigger',
    'Trigger encapsulating the completion of an action execution.',
    {},
    {
      type: 'object',
      properties: {
        execution_id: {},
        status: {},
        start_timestamp: {},
        action_name: {},
        action_ref: {},
        runner_ref: {},
        parameters: {},
        result: {},
      },
    },
  ),
  core(
    'st2.generic.notifytrigger',
    'Notification trigger.',
    {},
    {
      type: 'object',
      properties: {
        execution_id: {},
        status: {},
        start_timestamp: {},
        end_timestamp: {},
        action_ref: {},
        runner_ref: {},
        channel: {},
        route: {},
        message: {},
        data: {},
      },
    },
  ),
  core(
    'st2.generic.inquiry',
    'Trigger indicating a new "inquiry" has entered "pending" status',
    {},
    {
      type: 'object',
      properties: { id: { type: 'string' }, route: { type: 'string' } },
      required: ['id', 'route'],
      additionalProperties: false,
    },
  ),
  core(
    'st2.action.file_written',
    'Trigger encapsulating action file being written on disk.',
    {},
    { type: 'object', properties: { ref: {}, file_path: {}, host_info: {} } },
  ),
  core('st2.sensor.process_spawn', 'Trigger indicating sensor process is started up.', {}, OBJECT_PAYLOAD),
  core('st2.sensor.process_exit', 'Trigger indicating sensor process is stopped.', {}, OBJECT_PAYLOAD),
  core('st2.key_value_pair.create', 'Trigger encapsulating datastore item creation.', {}, OBJECT_PAYLOAD),
  core('st2.key_value_pair.update', 'Trigger encapsulating datastore set action.', {}, OBJECT_PAYLOAD),
  core(
    'st2.key_value_pair.value_change',
    'Trigger encapsulating a change of datastore item value.',
    {},
    { type: 'object', properties: { old_object: {}, new_object: {} } },
  ),
  core('st2.key_value_pair.delete', 'Trigger encapsulating datastore item deletion.', {}, OBJECT_PAYLOAD),
]);

const BY_REF = new Map(BUILTIN_TRIGGER_TYPES.map((t) => [t.ref, t]));

/** The built-in trigger type with this ref (`core.st2.webhook`), if it is one. */
export function builtinTriggerType(ref: string): TriggerType | undefined {
  return BY_REF.get(ref);
}
