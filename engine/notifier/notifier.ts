import { maskSecrets } from '../actions/parameters.js';
import type { Bus, Subscription } from '../bus/bus.js';
import type { Logger } from '../logger.js';
import type { NotifySpec, NotifySubsection } from '../model/action.js';
import type { Execution } from '../model/execution.js';
import type { JsonObject } from '../model/json.js';
import type { RunnerRegistry } from '../runners/runner-registry.js';
import type { Store } from '../store/store.js';
import { renderDeep, renderTemplate } from '../templates/templates.js';
import { createTriggerDispatcher } from '../triggers/trigger-dispatcher.js';

/** Routes the chat bot delivers itself; every other route only becomes a notify trigger for rules. */
export const CHAT_ROUTES = new Set(['chat', 'chatops', 'slack', 'teams', 'discord', 'cli']);

const FAILURE = new Set(['failed', 'timeout', 'abandoned']);

/** Which notify subsections apply to a final status (StackStorm: on-failure excludes canceled). */
export function applicableSubsections(notify: NotifySpec | undefined, status: string): [string, NotifySubsection][] {
  if (!notify) return [];
  const out: [string, NotifySubsection][] = [];
  if (notify['on-complete']) out.push(['on-complete', notify['on-complete']]);
  if (status === 'succeeded' && notify['on-success']) out.push(['on-success', notify['on-success']]);
  if (FAILURE.has(status) && notify['on-failure']) out.push(['on-failure', notify['on-failure']]);
  return out;
}

function defaultMessage(kind: string, e: Execution): string {
  const verb = kind === 'on-success' ? 'succeeded' : kind === 'on-failure' ? 'failed' : 'completed';
  return `Action ${e.action.ref} ${verb}.`;
}

/**
 * The notifier role: once per finished execution, applies its `notify` (chat routes go to the bot's
 * work queue; every route also becomes a `core.st2.generic.notifytrigger`) and emits
 * `core.st2.generic.actiontrigger` for the rules engine.
 */
export async function startNotifier(deps: {
  store: Store;
  bus: Bus;
  runners: RunnerRegistry;
  logger: Logger;
  /** The work-queue group it consumes under (named by app/'s role table, so every process agrees). */
  group: string;
}): Promise<Subscription> {
  const { store, bus, runners } = deps;
  const log = deps.logger.child({ component: 'notifier' });
  const triggers = createTriggerDispatcher(deps);
  return bus.consume('execution.completed', deps.group, async ({ id }) => {
    const e = await store.executions.get(id);
    if (!e) return;
    const parameters = maskSecrets(runners.specsOf(e.action), e.parameters);
    // Notify messages go to chat rooms and rules: the templates see secrets masked, wherever they look.
    const ctx = {
      action_parameters: parameters,
      action_results: e.result ?? {},
      action_context: e.context,
      execution: { ...e, parameters },
    };
    const end = e.end_timestamp ?? new Date().toISOString();

    for (const [kind, sub] of applicableSubsections(e.notify, e.status)) {
      let message = defaultMessage(kind, e);
      let data: JsonObject = {};
      try {
        if (sub.message) message = renderTemplate(sub.message, ctx);
        if (sub.data) data = renderDeep(sub.data, ctx) as JsonObject;
      } catch (err) {
        // StackStorm logs the failure and keeps the raw text; so do we.
        log.warn('notify template failed; raw values kept', { executionId: id, error: (err as Error).message });
        if (sub.message) message = sub.message;
        if (sub.data) data = sub.data;
      }
      for (const route of sub.routes ?? []) {
        if (CHAT_ROUTES.has(route)) await bus.publish('notify.chat', { execution_id: id, route, message, data });
        await triggers.dispatch({
          trigger: 'core.st2.generic.notifytrigger',
          payload: {
            message,
            data: { ...data, result: JSON.stringify(e.result ?? {}) },
            execution_id: id,
            status: e.status,
            start_timestamp: e.start_timestamp,
            end_timestamp: end,
            action_ref: e.action.ref,
            runner_ref: e.runner_type,
            route,
            channel: route,
          },
          ...(e.context.trace_context ? { trace_tag: e.context.trace_context.trace_tag } : {}),
        });
      }
    }
    await triggers.dispatch({
      trigger: 'core.st2.generic.actiontrigger',
      payload: {
        execution_id: id,
        status: e.status,
        start_timestamp: e.start_timestamp,
        action_name: e.action.name,
        action_ref: e.action.ref,
        runner_ref: e.runner_type,
        parameters,
        result: e.result ?? {},
      },
      ...(e.context.trace_context ? { trace_tag: e.context.trace_context.trace_tag } : {}),
    });
  });
}
