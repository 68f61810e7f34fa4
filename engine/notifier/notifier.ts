import { maskSecrets } from '../actions/parameters.js';
import { type Bus, completedMessage, type Subscription } from '../bus/bus.js';
import { derivedId } from '../ids.js';
import type { Logger } from '../logger.js';
import type { NotifySpec, NotifySubsection } from '../model/action.js';
import { ACTION_TRIGGER, actionTriggerFields, actionTriggerId, actionTriggerPayload } from '../model/action-trigger.js';
import { type Execution, isTerminal, TERMINAL_STATUSES } from '../model/execution.js';
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
    if (await isNotified(store, id)) return;
    const e = await store.executions.get(id);
    if (!e || !isTerminal(e.status)) return;
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
          id: derivedId(id, 'notifytrigger', kind, route),
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
    // Last: once it is stored, everything above is out (see isNotified).
    await triggers.dispatch({
      id: actionTriggerId(id),
      trigger: ACTION_TRIGGER,
      payload: actionTriggerPayload(id, actionTriggerFields(e), parameters),
      ...(e.context.trace_context ? { trace_tag: e.context.trace_context.trace_tag } : {}),
    });
  });
}

/**
 * Whether an execution's notify and triggers are out: its actiontrigger instance, which the notifier
 * stores last, exists. (Older versions also wrote a `notified:<id>` mark; it expires on its own.)
 */
async function isNotified(store: Store, executionId: string): Promise<boolean> {
  return (await store.triggerInstances.get(actionTriggerId(executionId))) !== undefined;
}
const SWEEP_CURSOR = 'notifier:swept_until';
const PAGE = 500;

/**
 * The safety net under `execution.completed`: the in-process bus forgets a message when the process
 * dies right after an execution's terminal write (and a broker can lose one too). Every so often,
 * executions that ended since the last sweep (a cursor in the store; a new store starts from now)
 * and have no actiontrigger instance yet are published again; that instance, stored last, and the
 * trigger instance ids, derived from the execution, make a second delivery emit nothing twice.
 */
export class NotifierSweep {
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: { store: Store; bus: Bus; logger: Logger; graceMs?: number; everyMs?: number }) {}

  start(): void {
    void this.sweep();
    this.#timer = setInterval(() => void this.sweep(), this.deps.everyMs ?? 15_000);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

  /** Publishes `execution.completed` again for finished executions not notified; returns how many. */
  async sweep(): Promise<number> {
    const { store, bus } = this.deps;
    const until = new Date(Date.now() - (this.deps.graceMs ?? 5_000)).toISOString();
    let resent = 0;
    try {
      const cursor = await store.marks.get(SWEEP_CURSOR);
      if (typeof cursor === 'string') {
        // A minute of overlap: a terminal write stamped just before the last cursor may have committed after it.
        const from = new Date(Date.parse(cursor) - 60_000).toISOString();
        for (let offset = 0; ; offset += PAGE) {
          const page = await store.executions.list({
            status: [...TERMINAL_STATUSES],
            updatedAfter: from,
            updatedBefore: until,
            limit: PAGE,
            offset,
            order: 'asc',
          });
          for (const e of page.items) {
            // Ended before the window (and changed since, e.g. a chat delivery noted): not this sweep's.
            if (e.end_timestamp !== undefined && e.end_timestamp < from) continue;
            if (await isNotified(store, e.id)) continue;
            await bus.publish('execution.completed', completedMessage(e));
            resent++;
          }
          if (page.items.length < PAGE) break;
        }
      }
      await store.marks.set(SWEEP_CURSOR, until);
    } catch (err) {
      this.deps.logger.warn('notifier sweep failed', { error: (err as Error).message });
    }
    if (resent > 0) this.deps.logger.info('finished executions notified again', { count: resent });
    return resent;
  }
}
