import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotifySpec } from '../../../engine/model/action.js';
import type { Execution } from '../../../engine/model/execution.js';
import type { TriggerInstance } from '../../../engine/model/trigger.js';
import { applicableSubsections } from '../../../engine/notifier/notifier.js';
import type { Store } from '../../../engine/store/store.js';
import { type EngineHarness, type Recorder, startEngineHarness } from '../../support/engine-harness.js';
import { waitFor } from '../../support/processes.js';

const EVERY: NotifySpec = {
  'on-complete': { routes: ['chat', 'email'] },
  'on-success': { routes: ['chat'] },
  'on-failure': { routes: ['slack'] },
};

type Sent = Pick<TriggerInstance, 'trigger' | 'payload' | 'trace_tag'>;

/** The stored trigger instances whose ids the notifier published, in publish order. */
async function sentInstances(rec: Recorder<'trigger.instance'>, store: Store): Promise<Sent[]> {
  const out: Sent[] = [];
  for (const { id } of rec.messages) {
    const t = await store.triggerInstances.get(id);
    if (!t) throw new Error(`trigger instance ${id} was published but not stored`);
    expect(t.status).toBe('pending');
    out.push({ trigger: t.trigger, payload: t.payload, trace_tag: t.trace_tag });
  }
  return out;
}

describe('notifier', () => {
  let h: EngineHarness;
  let chat: Recorder<'notify.chat'>;
  let triggers: Recorder<'trigger.instance'>;

  beforeAll(async () => {
    h = await startEngineHarness({ notifier: true });
    chat = await h.recordQueue('notify.chat', 'bot');
    triggers = await h.recordQueue('trigger.instance', 'rules');
  });
  afterAll(() => h.close());

  /** Runs an action with `notify` and returns what the notifier sent for it (after its action trigger). */
  async function notified(
    action: string,
    parameters: Record<string, unknown>,
    notify: NotifySpec | undefined,
    user = 'alice',
  ) {
    const req = await h.executions.request({
      action,
      parameters,
      context: { user, trace_context: { trace_tag: `tag-${action}` } },
      ...(notify ? { notify } : {}),
    });
    const e = (await h.executions.waitForTerminal(req.id, 15_000)) as Execution;
    return collect(e);
  }

  async function collect(e: Execution) {
    const isAction = (t: Sent) => t.trigger === 'core.st2.generic.actiontrigger' && t.payload.execution_id === e.id;
    const sent = await waitFor(
      async () => {
        const all = await sentInstances(triggers, h.store);
        return all.some(isAction) ? all : undefined;
      },
      10_000,
      'the action trigger',
    );
    const mine = sent.filter((t) => t.payload.execution_id === e.id);
    return {
      e,
      chat: chat.messages.filter((m) => m.execution_id === e.id),
      notifyTriggers: mine.filter((t) => t.trigger === 'core.st2.generic.notifytrigger'),
      actionTriggers: mine.filter((t) => t.trigger === 'core.st2.generic.actiontrigger'),
    };
  }

  it('on success sends on-complete and on-success, not on-failure; chat routes go to the bot', async () => {
    const r = await notified('core.local', { cmd: 'echo hi' }, EVERY);
    expect(r.e.status).toBe('succeeded');
    expect(r.chat).toEqual([
      { execution_id: r.e.id, route: 'chat', message: 'Action core.local completed.', data: {} },
      { execution_id: r.e.id, route: 'chat', message: 'Action core.local succeeded.', data: {} },
    ]);
    // Every route, chat or not, becomes a notify trigger for rules.
    expect(r.notifyTriggers.map((t) => [t.payload.route, t.payload.message])).toEqual([
      ['chat', 'Action core.local completed.'],
      ['email', 'Action core.local completed.'],
      ['chat', 'Action core.local succeeded.'],
    ]);
    const first = r.notifyTriggers[0]!;
    expect(first.trace_tag).toBe('tag-core.local');
    expect(first.payload).toMatchObject({
      execution_id: r.e.id,
      status: 'succeeded',
      start_timestamp: r.e.start_timestamp,
      end_timestamp: r.e.end_timestamp,
      action_ref: 'core.local',
      runner_ref: 'local-shell-cmd',
      channel: 'chat',
    });
    // StackStorm adds the result as a JSON string.
    expect(JSON.parse((first.payload.data as { result: string }).result)).toEqual(r.e.result);
  });

  it('on failure sends on-complete and on-failure', async () => {
    const r = await notified('core.local', { cmd: 'exit 3' }, EVERY);
    expect(r.e.status).toBe('failed');
    // `slack` is a chat route too, so the bot gets the on-failure one as well.
    expect(r.chat.map((m) => [m.route, m.message])).toEqual([
      ['chat', 'Action core.local completed.'],
      ['slack', 'Action core.local failed.'],
    ]);
    expect(r.notifyTriggers.map((t) => [t.payload.route, t.payload.message, t.payload.status])).toEqual([
      ['chat', 'Action core.local completed.', 'failed'],
      ['email', 'Action core.local completed.', 'failed'],
      ['slack', 'Action core.local failed.', 'failed'],
    ]);
  });

  it('counts a timeout as a failure', async () => {
    const r = await notified('lifecycle.short', { cmd: 'sleep 30' }, EVERY);
    expect(r.e.status).toBe('timeout');
    expect(r.notifyTriggers.map((t) => t.payload.message)).toContain('Action lifecycle.short failed.');
  });

  it('does not count a cancel as a failure', async () => {
    const idle = await startEngineHarness({ scheduler: false, worker: false, notifier: true });
    try {
      const t = await idle.recordQueue('trigger.instance', 'rules');
      const req = await idle.executions.request({ action: 'core.noop', context: { user: 'u' }, notify: EVERY });
      await idle.executions.cancel(req.id, 'u');
      const sent = await waitFor(async () => {
        const all = await sentInstances(t, idle.store);
        return all.some((m) => m.trigger === 'core.st2.generic.actiontrigger') ? all : undefined;
      });
      const notes = sent.filter((m) => m.trigger === 'core.st2.generic.notifytrigger');
      expect(notes.map((m) => [m.payload.route, m.payload.status])).toEqual([
        ['chat', 'canceled'],
        ['email', 'canceled'],
      ]);
    } finally {
      await idle.close();
    }
  });

  it('renders templates in message and data, with secrets masked', async () => {
    const notify: NotifySpec = {
      'on-complete': {
        message:
          '{{ action_context.user }} ran {{ action_parameters.cmd }}: {{ action_results.stdout }} ({{ execution.status }})',
        data: {
          rc: '{{ action_results.return_code }}',
          pw: '{{ action_parameters.sudo_password }}/{{ execution.parameters.sudo_password }}',
          fixed: 'as is',
        },
        routes: ['chat'],
      },
    };
    const r = await notified('core.local', { cmd: 'echo hello', sudo_password: 'pa55w0rd' }, notify, 'bob');
    expect(r.chat).toEqual([
      {
        execution_id: r.e.id,
        route: 'chat',
        message: 'bob ran echo hello: hello (succeeded)',
        data: { rc: 0, pw: '********/********', fixed: 'as is' },
      },
    ]);
    expect(JSON.stringify(r.notifyTriggers)).not.toContain('pa55w0rd');
  });

  it('keeps the raw text when a template fails to render', async () => {
    const notify: NotifySpec = {
      'on-complete': { message: '{{ action_results.stdout | nosuchfilter }}', routes: ['chat'] },
    };
    const r = await notified('core.noop', {}, notify);
    expect(r.chat.map((m) => m.message)).toEqual(['{{ action_results.stdout | nosuchfilter }}']);
  });

  it('publishes the action trigger with masked parameters and the raw result, with or without notify', async () => {
    const r = await notified('lifecycle.typed', { count: 2, password: 'topsecret' }, undefined);
    expect(r.chat).toEqual([]);
    expect(r.notifyTriggers).toEqual([]);
    expect(r.actionTriggers).toHaveLength(1);
    expect(r.actionTriggers[0]).toEqual({
      trigger: 'core.st2.generic.actiontrigger',
      payload: {
        execution_id: r.e.id,
        status: 'succeeded',
        start_timestamp: r.e.start_timestamp,
        action_name: 'typed',
        action_ref: 'lifecycle.typed',
        runner_ref: 'noop',
        parameters: { count: 2, label: 'plain', password: '********' },
        result: { failed: false, succeeded: true, return_code: 0 },
      },
      trace_tag: 'tag-lifecycle.typed',
    });
  });

  it('sends nothing twice for a redelivered execution.completed', async () => {
    const first = await notified('core.noop', {}, { 'on-complete': { routes: ['chat', 'email'] } });
    expect(first.chat).toHaveLength(1);
    await h.bus.publish('execution.completed', { id: first.e.id });
    await h.bus.publish('execution.completed', { id: first.e.id });
    // Behind the redeliveries in the queue: once this one's trigger is out, they were handled.
    await notified('core.noop', {}, undefined);
    const again = await collect(first.e);
    expect(again.chat).toEqual(first.chat);
    expect(again.notifyTriggers).toEqual(first.notifyTriggers);
    expect(again.actionTriggers).toHaveLength(1);
  });

  it('sends nothing for a notify section without routes', async () => {
    const r = await notified('core.noop', {}, { 'on-complete': { message: 'nobody hears this' } });
    expect(r.chat).toEqual([]);
    expect(r.notifyTriggers).toEqual([]);
    expect(r.actionTriggers).toHaveLength(1);
  });

  it('applies on-failure to abandoned executions and never to canceled ones', () => {
    expect(applicableSubsections(EVERY, 'abandoned').map(([k]) => k)).toEqual(['on-complete', 'on-failure']);
    expect(applicableSubsections(EVERY, 'canceled').map(([k]) => k)).toEqual(['on-complete']);
    expect(applicableSubsections(undefined, 'succeeded')).toEqual([]);
  });
});
