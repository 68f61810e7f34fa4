import type { JsonObject, JsonValue } from '../model/json.js';
import type { RunContext, Runner, RunOutcome } from './runner.js';

export interface AnnouncementRunnerDeps {
  /** Publishes `st2.announcement__<route>` on the event stream (StreamPublisher.announce); built after the runners. */
  announce(): (route: string, payload: JsonObject) => void;
  /** Posts to chat (the chat-post runner), for announcements on the `chatops` route. */
  chatPost: Runner;
}

/** The route StackStorm's chat bots (hubot) listen on: its announcements are chat messages. */
const CHATOPS_ROUTE = 'chatops';

/**
 * `announcement` (StackStorm's `core.announcement`): publishes the action's parameters (runner
 * parameters excluded) on the event stream as `st2.announcement__<route>` and succeeds. As hubot
 * does in StackStorm, an announcement on the `chatops` route that has `channel` and `message` is
 * posted to chat, through the same durable delivery as `chatops.post_message` (the result's `chat`
 * says how that went; the announcement succeeds either way, as StackStorm's does).
 */
export function createAnnouncementRunner(deps: AnnouncementRunnerDeps): Runner {
  const parameters = {
    experimental: {
      type: 'boolean',
      required: true,
      default: false,
      description: 'Must be true: StackStorm marks this runner experimental.',
    },
    route: { type: 'string', default: 'general', minLength: 1, maxLength: 255, description: 'The announcement route.' },
  } as const;
  return {
    name: 'announcement',
    description: 'Publishes an announcement on the event stream (chatops route: posted to chat).',
    parameters,
    async run(ctx: RunContext): Promise<RunOutcome> {
      const p = ctx.parameters;
      if (p.experimental !== true)
        return { status: 'failed', result: { error: `Experimental flag is missing for action ${ctx.action.ref}` } };
      const route = typeof p.route === 'string' && p.route !== '' ? p.route : 'general';
      const payload: JsonObject = {};
      for (const [k, v] of Object.entries(p)) if (!(k in parameters)) payload[k] = v as JsonValue;
      const traceTag = ctx.execution.context?.trace_context;
      deps.announce()(route, { ...payload, ...(traceTag ? { trace_context: traceTag as JsonValue } : {}) });
      const result: JsonObject = { output: payload, ...payload };
      if (route === CHATOPS_ROUTE && typeof payload.channel === 'string' && typeof payload.message === 'string') {
        const { route: _ignored, ...chat } = payload;
        // As in StackStorm the announcement itself succeeds; what chat made of it is in `chat`.
        result.chat = (await deps.chatPost.run({ ...ctx, parameters: chat })).result;
      }
      return { status: 'succeeded', result };
    },
  };
}
