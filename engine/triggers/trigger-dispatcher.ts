import type { Bus } from '../bus/bus.js';
import { SquallError } from '../errors.js';
import { newId } from '../ids.js';
import type { Logger } from '../logger.js';
import type { JsonObject } from '../model/json.js';
import { assertStorableJson } from '../model/json-limits.js';
import type { TriggerInstance } from '../model/trigger.js';
import type { Store } from '../store/store.js';

export interface TriggerDispatchInput {
  /** The trigger's ref, e.g. `core.st2.webhook` or `<pack>.<name>`. */
  trigger: string;
  /** The trigger's parameters (a webhook's `url`, a timer's schedule): only rules on these see it. */
  parameters?: JsonObject;
  payload: JsonObject;
  /** @default the instance's id */
  trace_tag?: string;
  /** ISO time the event happened. @default now */
  occurrence_time?: string;
  /**
   * An id derived from what caused the event (the notifier's: from the execution), so that a second
   * dispatch of the same event returns the stored instance instead of storing another. @default a new id
   */
  id?: string;
}

/** The one way into the rules engine for webhooks, timers, sensors, the datastore and the notifier. */
export interface TriggerDispatcher {
  /**
   * Stores the instance as `pending`, then publishes its id on `trigger.instance`. Once it resolves
   * the event is durable: a publish that fails is logged and left to the recovery sweep.
   * @throws SquallError SQ_VALIDATION for a bad trigger ref or a payload that cannot be stored
   */
  dispatch(input: TriggerDispatchInput): Promise<TriggerInstance>;
}

const REF = /^[\w-]+\.[\w.-]+$/;

export function createTriggerDispatcher(deps: { store: Store; bus: Bus; logger: Logger }): TriggerDispatcher {
  const log = deps.logger.child({ component: 'triggers' });
  return {
    async dispatch(input) {
      if (typeof input.trigger !== 'string' || !REF.test(input.trigger)) {
        throw new SquallError(
          'SQ_VALIDATION',
          `trigger: "${String(input.trigger).slice(0, 100)}" is not a trigger ref (<pack>.<name>)`,
        );
      }
      if (typeof input.payload !== 'object' || input.payload === null || Array.isArray(input.payload)) {
        throw new SquallError('SQ_VALIDATION', 'payload: must be an object');
      }
      assertStorableJson(input.payload, 'payload');
      if (input.parameters !== undefined) assertStorableJson(input.parameters, 'parameters');
      const id = input.id ?? newId();
      const now = new Date().toISOString();
      const occurred = input.occurrence_time === undefined ? now : isoTime(input.occurrence_time);
      if (input.id !== undefined) {
        // Already stored: it was dispatched before (the sweep publishes it again if that publish was lost).
        const existing = await deps.store.triggerInstances.get(id);
        if (existing) return existing;
      }
      const record: TriggerInstance = {
        id,
        trigger: input.trigger,
        parameters: input.parameters ?? {},
        payload: input.payload,
        occurrence_time: occurred,
        status: 'pending',
        trace_tag: input.trace_tag || id,
        updated_at: now,
      };
      let instance: TriggerInstance;
      try {
        instance = await deps.store.triggerInstances.create(record);
      } catch (e) {
        // Two deliveries of one event raced: the other stored it.
        const existing = input.id !== undefined ? await deps.store.triggerInstances.get(id) : undefined;
        if (existing && e instanceof SquallError && e.code === 'SQ_CONFLICT') return existing;
        throw e;
      }
      try {
        await deps.bus.publish('trigger.instance', { id });
      } catch (e) {
        // Stored is accepted: the rules role's recovery sweep publishes pending instances again.
        log.warn('trigger instance stored but not published; the sweep will', { id, error: (e as Error).message });
      }
      return instance;
    },
  };
}

function isoTime(text: string): string {
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new SquallError('SQ_VALIDATION', `occurrence_time: "${text.slice(0, 60)}" is not a time`);
  return new Date(t).toISOString();
}
