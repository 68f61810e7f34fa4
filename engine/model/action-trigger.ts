import { derivedId } from '../ids.js';
import type { Execution } from './execution.js';
import type { JsonObject, JsonValue } from './json.js';

/** The trigger the notifier emits for every finished execution. */
export const ACTION_TRIGGER = 'core.st2.generic.actiontrigger';

/**
 * The id of an execution's actiontrigger instance: derived from the execution, so that a second
 * delivery of its completion finds the instance stored by the first.
 */
export function actionTriggerId(executionId: string): string {
  return derivedId(executionId, 'actiontrigger');
}

/** What an actiontrigger payload says of its execution (everything but its id and the masked parameters). */
export function actionTriggerFields(e: Execution) {
  return {
    status: e.status,
    start_timestamp: e.start_timestamp,
    action_name: e.action.name,
    action_ref: e.action.ref,
    runner_ref: e.runner_type,
    result: e.result ?? {},
  };
}

export type ActionTriggerFields = ReturnType<typeof actionTriggerFields>;

/** An actiontrigger payload in StackStorm's field order; `parameters` are the execution's, secrets masked. */
export function actionTriggerPayload(executionId: string, f: ActionTriggerFields, parameters: JsonValue): JsonObject {
  return {
    execution_id: executionId,
    status: f.status,
    start_timestamp: f.start_timestamp,
    action_name: f.action_name,
    action_ref: f.action_ref,
    runner_ref: f.runner_ref,
    parameters,
    result: f.result,
  };
}

/** The payload's keys, in its order. */
export const ACTION_TRIGGER_PAYLOAD_KEYS: readonly string[] = Object.keys(
  actionTriggerPayload('', {} as ActionTriggerFields, null),
);
