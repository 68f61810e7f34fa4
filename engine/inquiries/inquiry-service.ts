import { type Bus, completedMessage } from '../bus/bus.js';
import { SquallError } from '../errors.js';
import type { ExecutionEvents } from '../executions/status-events.js';
import type { TerminalWaiters } from '../executions/terminal-waiters.js';
import type { Logger } from '../logger.js';
import { type Execution, type ExecutionStatus, isTerminal } from '../model/execution.js';
import type { Inquiry, InquiryChat } from '../model/inquiry.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import { CHAT_POST_QUEUE, type ChatPostRequest, type ChatRoutes, resolveRoute } from '../runners/chat-post-runner.js';
import type { Page } from '../store/page.js';
import type { Store } from '../store/store.js';
import type { TriggerDispatcher } from '../triggers/trigger-dispatcher.js';
import { checkResponse, DEFAULT_INQUIRY_SCHEMA, schemaProblem } from './response-schema.js';

/** Who answers: the API caller or the chat user mapped to a Squall user. */
export interface Responder {
  user: string;
  roles: readonly string[];
  /** Holds `inquiry:respond`; a user the ask names in `users` may answer without it. */
  permitted: boolean;
}

export interface InquiryServiceDeps {
  store: Store;
  bus: Bus;
  events: ExecutionEvents;
  waiters: TerminalWaiters;
  triggers: TriggerDispatcher;
  logger: Logger;
  /** The chat platforms configured here, to tell whether an ask's `route` names a channel. */
  routes: ChatRoutes;
  /** May the user an ask runs as answer it? @default true */
  requesterMayRespond?: boolean;
}

/** The trigger StackStorm emits for a new inquiry (`{id, route}`), for rules that notify people. */
const INQUIRY_TRIGGER = 'core.st2.generic.inquiry';

const strings = (v: JsonValue | undefined): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : [];

/** The outbox ids of an inquiry's question and of the edit that shows its outcome. */
export const inquiryPostId = (id: string, part: 'question' | 'outcome'): string => `inquiry:${id}:${part}`;

/**
 * StackStorm's inquiries: `core.ask` opens one and waits `pending`; an answer (API, CLI or chat) is
 * checked — still pending, not expired, an allowed responder, valid against the schema — recorded
 * with who and when, and ends the ask `succeeded` with `{..., response}`; the workflow engine then
 * resumes the workflow it paused. An inquiry past its ttl ends the ask `timeout`.
 */
export class InquiryService {
  readonly #deps: InquiryServiceDeps;
  readonly #log: Logger;

  constructor(deps: InquiryServiceDeps) {
    this.#deps = deps;
    this.#log = deps.logger.child({ component: 'inquiries' });
  }

  /**
   * Opens the inquiry of a claimed `core.ask` execution (again: the stored one) and asks the
   * question in chat when the workflow came from chat or `route` names a channel. Returns the
   * result the ask carries while pending (StackStorm's: the ask's parameters).
   * @throws SquallError SQ_VALIDATION when the schema is not a usable JSON schema
   */
  async open(e: Execution, p: JsonObject): Promise<JsonObject> {
    const schema = (
      p.schema && typeof p.schema === 'object' && !Array.isArray(p.schema) ? p.schema : DEFAULT_INQUIRY_SCHEMA
    ) as JsonObject;
    const bad = schemaProblem(schema);
    if (bad !== undefined) throw new SquallError('SQ_VALIDATION', `schema is not a valid JSON schema: ${bad}`);
    const ttl = typeof p.ttl === 'number' && Number.isFinite(p.ttl) ? p.ttl : 1440;
    const route = typeof p.route === 'string' ? p.route : '';
    const now = new Date();
    const inquiry: Inquiry = {
      id: e.id,
      ...(e.parent === undefined ? {} : { parent: e.parent }),
      status: 'pending',
      schema,
      roles: strings(p.roles),
      users: strings(p.users),
      route,
      ttl,
      requester: e.context.user,
      created_at: now.toISOString(),
      ...(ttl > 0 ? { expires_at: new Date(now.getTime() + ttl * 60_000).toISOString() } : {}),
    };
    const chat = await this.#chatOf(e, route);
    if (chat) inquiry.chat = chat;
    const created = await this.#deps.store.inquiries.create(inquiry);
    const stored = created ? inquiry : ((await this.#deps.store.inquiries.get(e.id)) ?? inquiry);
    if (stored.chat) await this.#post(stored, 'question');
    try {
      await this.#deps.triggers.dispatch({
        trigger: INQUIRY_TRIGGER,
        payload: { id: e.id, route },
        id: `inquiry-${e.id}`,
      });
    } catch (err) {
      this.#log.warn('could not dispatch the inquiry trigger', { inquiry: e.id, error: (err as Error).message });
    }
    return pendingResult(stored);
  }

  /** Inquiries waiting for an answer, newest first (StackStorm lists only those). */
  async list(paging: { limit: number; offset: number }): Promise<Page<Inquiry>> {
    return this.#deps.store.inquiries.list({ status: 'pending', ...paging });
  }

  /** @throws SquallError SQ_NOT_FOUND */
  async get(id: string): Promise<Inquiry> {
    const inquiry = await this.#deps.store.inquiries.get(id);
    if (!inquiry) throw new SquallError('SQ_NOT_FOUND', `Inquiry "${id}" does not exist.`);
    return inquiry;
  }

  /**
   * Answers an inquiry. Returns it as recorded.
   * @throws SquallError SQ_NOT_FOUND; SQ_CONFLICT (answered already, timed out or canceled);
   *   SQ_FORBIDDEN (not an allowed responder); SQ_VALIDATION (the response does not match the schema)
   */
  async respond(id: string, response: unknown, who: Responder): Promise<Inquiry> {
    let inquiry = await this.get(id);
    if (inquiry.status === 'pending' && expired(inquiry))
      inquiry = (await this.#expire(inquiry)) ?? (await this.get(id));
    const e = await this.#deps.store.executions.get(id);
    if (inquiry.status === 'pending' && e !== undefined && isTerminal(e.status))
      inquiry = (await this.#cancel(inquiry)) ?? (await this.get(id));
    if (inquiry.status !== 'pending') throw closed(inquiry);
    const refusal = this.#refusal(inquiry, who);
    if (refusal) throw new SquallError('SQ_FORBIDDEN', refusal);
    if (typeof response !== 'object' || response === null || Array.isArray(response))
      throw new SquallError(
        'SQ_VALIDATION',
        `Response for inquiry "${id}" must be a JSON object, such as {"continue": true}.`,
      );
    const checked = checkResponse(inquiry.schema, response as JsonObject);
    if (!checked.ok)
      throw new SquallError(
        'SQ_VALIDATION',
        `Response for inquiry "${id}" did not pass schema validation: ${checked.problem}`,
      );
    const ended = await this.#deps.store.inquiries.end(id, {
      status: 'responded',
      response: checked.response,
      responded_by: who.user,
      responded_at: new Date().toISOString(),
    });
    if (!ended) throw closed(await this.get(id));
    this.#log.info('inquiry answered', { inquiry: id, user: who.user });
    await this.#finish(ended);
    return ended;
  }

  /** Why `who` may not answer, or undefined when they may. */
  #refusal(inquiry: Inquiry, who: Responder): string | undefined {
    const denied = `User "${who.user}" does not have permission to respond to inquiry "${inquiry.id}"`;
    if (!(this.#deps.requesterMayRespond ?? true) && who.user === inquiry.requester)
      return `${denied}: the user who asked may not answer their own question (inquiries.requester_may_respond is false).`;
    if (inquiry.users.length > 0 && !inquiry.users.includes(who.user))
      return `${denied}: only ${inquiry.users.join(', ')} may answer.`;
    if (inquiry.roles.length > 0 && !inquiry.roles.some((r) => who.roles.includes(r)))
      return `${denied}: only users with role ${inquiry.roles.join(' or ')} may answer.`;
    if (!who.permitted && !inquiry.users.includes(who.user))
      return `${denied}: answering needs the permission "inquiry:respond".`;
    return undefined;
  }

  /**
   * Times out inquiries past their ttl, and finishes asks whose inquiry ended while their execution
   * did not (a crash between the two writes). Returns how many asks it ended.
   */
  async sweep(): Promise<number> {
    let n = 0;
    const { store } = this.#deps;
    for (const inquiry of await store.inquiries.expired(new Date().toISOString(), 200)) {
      if (await this.#expire(inquiry)) n++;
    }
    // An ask canceled (its workflow was) leaves its question with nothing to answer.
    for (const inquiry of (await store.inquiries.list({ status: 'pending', limit: 500 })).items) {
      const e = await store.executions.get(inquiry.id);
      if (e !== undefined && isTerminal(e.status)) await this.#cancel(inquiry);
    }
    const waiting = await store.executions.list({ status: 'pending', limit: 500, order: 'asc' });
    for (const e of waiting.items) {
      const inquiry = await store.inquiries.get(e.id);
      if (inquiry && inquiry.status !== 'pending' && (await this.#finish(inquiry))) n++;
    }
    return n;
  }

  /** Runs `sweep` every `everyMs` until stopped. */
  startSweep(everyMs: number): { stop(): void } {
    const run = () =>
      void this.sweep().catch((err: unknown) =>
        this.#log.warn('inquiry sweep failed', { error: (err as Error).message }),
      );
    run();
    const timer = setInterval(run, everyMs);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  async #cancel(inquiry: Inquiry): Promise<Inquiry | undefined> {
    const ended = await this.#deps.store.inquiries.end(inquiry.id, { status: 'canceled' });
    if (ended?.chat) await this.#post(ended, 'outcome');
    return ended;
  }

  async #expire(inquiry: Inquiry): Promise<Inquiry | undefined> {
    const ended = await this.#deps.store.inquiries.end(inquiry.id, { status: 'timeout' });
    if (!ended) return undefined;
    this.#log.info('inquiry timed out', { inquiry: inquiry.id, ttl: inquiry.ttl });
    await this.#finish(ended);
    return ended;
  }

  /** Ends the ask execution as its inquiry ended, then has the chat question show the outcome. */
  async #finish(inquiry: Inquiry): Promise<boolean> {
    const { store, events, waiters, bus } = this.#deps;
    const status: ExecutionStatus | undefined =
      inquiry.status === 'responded' ? 'succeeded' : inquiry.status === 'timeout' ? 'timeout' : undefined;
    let done: Execution | undefined;
    if (status !== undefined) {
      const ts = new Date().toISOString();
      const result: JsonObject = { ...pendingResult(inquiry) };
      if (inquiry.status === 'responded') result.response = inquiry.response ?? {};
      else result.error = `Inquiry "${inquiry.id}" timed out: nobody answered within ${inquiry.ttl} minutes.`;
      // `running`: an answer can arrive before the runner recorded the ask pending; it wins.
      done = await store.executions.update(
        inquiry.id,
        { expect: { status: ['pending', 'running'] } },
        { status, end_timestamp: ts, result, appendLog: { status, timestamp: ts } },
      );
      if (done) {
        events.updated(done);
        waiters.settle(done);
        await bus.publish('execution.completed', completedMessage(done));
      }
    }
    if (inquiry.chat) await this.#post(inquiry, 'outcome');
    return done !== undefined;
  }

  /** Hands the question (or the edit showing its outcome) to the bot through the durable chat outbox. */
  async #post(inquiry: Inquiry, part: 'question' | 'outcome'): Promise<void> {
    const chat = inquiry.chat as InquiryChat;
    const request: ChatPostRequest = {
      execution_id: inquiry.id,
      platform: chat.platform,
      route: chat.platform === 'cli' ? 'terminal' : chat.platform,
      channel: chat.channel,
      ...(chat.thread ? { thread: chat.thread } : {}),
      inquiry: { id: inquiry.id, part },
    };
    const id = inquiryPostId(inquiry.id, part);
    const payload = request as unknown as JsonObject;
    try {
      await this.#deps.store.outbox.enqueue({ id, queue: CHAT_POST_QUEUE, payload, due_at: new Date().toISOString() });
      await this.#deps.bus.publish('chat.post', { id, request: payload });
    } catch (err) {
      // Stored, or not: either way the bot's sweep of stored posts carries on from here.
      this.#log.warn('inquiry chat post not announced', { inquiry: inquiry.id, error: (err as Error).message });
    }
  }

  /** Where to ask: the thread the workflow was started from, or the channel `route` names. */
  async #chatOf(e: Execution, route: string): Promise<InquiryChat | undefined> {
    const named = routeChannel(route, this.#deps.routes);
    if (named) return named;
    const rootId = (e.context.root as { execution_id?: string } | undefined)?.execution_id ?? e.id;
    const root = rootId === e.id ? e : await this.#deps.store.executions.get(rootId);
    const from = root?.context.chat ?? e.context.chat;
    if (from)
      return { platform: from.platform, channel: from.channel, ...(from.thread ? { thread: from.thread } : {}) };
    if (route === '') return undefined;
    const where = resolveRoute(undefined, this.#deps.routes);
    // A bare route names a channel on the one chat platform configured (`#ops` on Slack).
    if (typeof where === 'string' || where.platform === 'cli') return undefined;
    return { platform: where.platform, channel: route };
  }
}

/** `platform:channel` (`slack:#ops`, `terminal:shell`) in an ask's route. */
function routeChannel(route: string, routes: ChatRoutes): InquiryChat | undefined {
  const m = /^([a-z]+):(.+)$/.exec(route);
  if (!m) return undefined;
  const where = resolveRoute(m[1], routes);
  if (typeof where === 'string') return undefined;
  return { platform: where.platform, channel: m[2] as string };
}

/** What the ask's result holds while it waits (StackStorm's: its parameters). */
function pendingResult(i: Inquiry): JsonObject {
  return { schema: i.schema, roles: i.roles, users: i.users, route: i.route, ttl: i.ttl };
}

function expired(i: Inquiry): boolean {
  return i.expires_at !== undefined && Date.parse(i.expires_at) <= Date.now();
}

function closed(i: Inquiry): SquallError {
  if (i.status === 'responded')
    return new SquallError(
      'SQ_CONFLICT',
      `Inquiry "${i.id}" has already been responded to${i.responded_by ? ` by ${i.responded_by}` : ''}${i.responded_at ? ` at ${i.responded_at}` : ''}.`,
    );
  if (i.status === 'timeout')
    return new SquallError('SQ_CONFLICT', `Inquiry "${i.id}" timed out and cannot be responded to.`);
  return new SquallError('SQ_CONFLICT', `Inquiry "${i.id}" was canceled and cannot be responded to.`);
}
