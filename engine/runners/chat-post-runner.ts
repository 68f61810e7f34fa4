import { setTimeout as sleep } from 'node:timers/promises';
import type { Bus } from '../bus/bus.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import type { Store } from '../store/store.js';
import type { RunContext, Runner, RunOutcome } from './runner.js';

/** The outbox queue that holds accepted posts until the bot has posted them. */
export const CHAT_POST_QUEUE = 'chatops:post';

/** The route that reaches the terminal shells (local and `squall shell`), whose adapter platform is `cli`. */
const TERMINAL_ROUTE = 'terminal';

/** A post the bot owes: stored in the outbox under CHAT_POST_QUEUE and sent on the bus as `chat.post`. */
export interface ChatPostRequest {
  /** The execution of `chatops.post_message` / `post_result` that asked for it. */
  execution_id: string;
  /** The adapter platform (`slack`, `teams`, `discord`, `cli`). */
  platform: string;
  /** The route as the action named it (`terminal` for `cli`). */
  route: string;
  channel: string;
  /** A message to post, or the execution whose result to post. */
  message?: string;
  result_of?: string;
  thread?: string;
  user?: string;
  whisper?: boolean;
  extra?: JsonObject;
  /** An inquiry's question (with its buttons), or the edit of it that shows how it ended. */
  inquiry?: { id: string; part: 'question' | 'outcome' };
}

/** What the bot records once a post is done (`chat:posted:post:<item id>`), which the runner waits for. */
export type ChatPostOutcome =
  | { status: 'posted'; ref?: JsonValue }
  | { status: 'given_up'; reason: string; platform: string; channel: string };

export function chatPostMarkKey(itemId: string): string {
  return `chat:posted:post:${itemId}`;
}

/** The chat platforms this deployment is configured for (the platform table's names); terminal is always there. */
export interface ChatRoutes {
  /** Every route name Squall knows (the platform table's rows plus `terminal`). */
  known(): readonly string[];
  /** The table's platforms configured in squall.yaml or the environment. */
  configured(): readonly string[];
}

export interface ChatPostRunnerDeps {
  store: Store;
  bus: Bus;
  routes: ChatRoutes;
  /** How long the action waits for the platform's confirmation before it reports the post as queued. @default 5000 */
  confirmWaitMs?: number;
}

/** The platform a route names, or an error message naming the choices. */
export function resolveRoute(
  route: string | undefined,
  routes: ChatRoutes,
): { platform: string; route: string } | string {
  const configured = routes.configured();
  const choices = [...configured, TERMINAL_ROUTE];
  if (route === undefined || route === '') {
    if (configured.length === 1) return { platform: configured[0] as string, route: configured[0] as string };
    if (configured.length === 0) return { platform: 'cli', route: TERMINAL_ROUTE };
    return `several chat platforms are configured; give route, one of: ${choices.join(', ')}`;
  }
  if (route === TERMINAL_ROUTE) return { platform: 'cli', route };
  if (!routes.known().includes(route))
    return `unknown route "${route}"; routes: ${[...routes.known(), TERMINAL_ROUTE].join(', ')}`;
  if (!configured.includes(route)) return `no ${route} platform is configured here; configured: ${choices.join(', ')}`;
  return { platform: route, route };
}

const str = (v: JsonValue | undefined): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function failed(error: string): RunOutcome {
  return { status: 'failed', result: { error } };
}

/**
 * `chat-post` (`chatops.post_message`, `chatops.post_result`): stores the post in the outbox before
 * anything else (so a bot restart cannot lose it), tells the bot over the bus, and waits a moment
 * for the platform's confirmation. It fails when the route names no configured platform, or when the
 * platform refuses the message; if the bot has not posted it yet it succeeds with `queued: true`, and
 * the bot posts it when it can (its sweep finds stored posts whose bus message was lost).
 */
export function createChatPostRunner(deps: ChatPostRunnerDeps): Runner {
  const waitMs = deps.confirmWaitMs ?? 5000;
  return {
    name: 'chat-post',
    description: "Posts a message or an execution's result to a chat channel through the bot's durable delivery.",
    parameters: {},
    async run(ctx: RunContext): Promise<RunOutcome> {
      const p = ctx.parameters;
      const channel = str(p.channel);
      if (!channel) return failed('channel is required');
      const where = resolveRoute(str(p.route), deps.routes);
      if (typeof where === 'string') return failed(where);
      const request: ChatPostRequest = { execution_id: ctx.execution.id, ...where, channel };
      const resultOf = str(p.execution_id);
      if (resultOf !== undefined) {
        if (!(await deps.store.executions.get(resultOf))) return failed(`no execution has id ${resultOf}`);
        request.result_of = resultOf;
      } else {
        const message = typeof p.message === 'string' ? p.message : undefined;
        if (message === undefined || message.trim() === '') return failed('message is required');
        request.message = message;
      }
      const thread = str(p.thread);
      const user = str(p.user);
      if (thread) request.thread = thread;
      if (user) request.user = user;
      if (p.whisper === true) {
        if (!user) return failed('whisper needs user: the person who alone sees the message');
        request.whisper = true;
      }
      if (p.extra && typeof p.extra === 'object' && !Array.isArray(p.extra)) request.extra = p.extra;

      // The id follows from the execution, so a repeated run of this step stores the post once.
      const id = ctx.execution.id;
      const payload = request as unknown as JsonObject;
      await deps.store.outbox.enqueue({ id, queue: CHAT_POST_QUEUE, payload, due_at: new Date().toISOString() });
      await deps.bus.publish('chat.post', { id, request: payload });

      const summary: JsonObject = { id, route: where.route, platform: where.platform, channel };
      const deadline = Date.now() + waitMs;
      while (Date.now() < deadline && !ctx.signal.aborted) {
        const outcome = (await deps.store.marks.get(chatPostMarkKey(id))) as ChatPostOutcome | undefined;
        if (outcome?.status === 'posted') return { status: 'succeeded', result: { ...summary, posted: true } };
        if (outcome?.status === 'given_up') return failed(`${where.route} refused the message: ${outcome.reason}`);
        await sleep(50, undefined, { signal: ctx.signal }).catch(() => {});
      }
      return { status: 'succeeded', result: { ...summary, posted: false, queued: true } };
    },
  };
}
