import type { Bus, Subscription } from '../../engine/bus/bus.js';
import { SquallError } from '../../engine/errors.js';
import type { Logger } from '../../engine/logger.js';
import type { Execution } from '../../engine/model/execution.js';
import type { JsonObject, JsonValue } from '../../engine/model/json.js';
import {
  CHAT_POST_QUEUE,
  type ChatPostOutcome,
  type ChatPostRequest,
  chatPostMarkKey,
} from '../../engine/runners/chat-post-runner.js';
import type { Store } from '../../engine/store/store.js';
import type { AdapterRegistry } from '../adapter-registry.js';
import type { ChatAdapter, ChatTarget, MessageTone, OutboundMessage, Platform } from '../chat-adapter.js';
import { sendInquiryPost } from './inquiry-posts.js';
import { renderResult } from './render-result.js';
import { taskSummary, workflowTasks } from './task-summary.js';

export interface ChatPostsDeps {
  bus: Bus;
  store: Store;
  adapters: AdapterRegistry;
  logger: Logger;
  present: (e: Execution) => JsonObject;
  prefix: string;
  /** The work-queue group it consumes under (the bot role's). */
  group: string;
  /** A stored post whose bus message has not been handled after this long is sent again. @default 5000 */
  graceMs?: number;
  /** @default 5000 */
  everyMs?: number;
}

const MARK_TTL_MS = 7 * 86_400_000;
const TONES = new Set<MessageTone>(['info', 'success', 'failure', 'warning']);

function hints(extra: JsonObject | undefined, platform: string): Partial<OutboundMessage> {
  if (!extra) return {};
  const own = extra[platform];
  const h: JsonObject = { ...extra, ...(own && typeof own === 'object' && !Array.isArray(own) ? own : {}) };
  const out: Partial<OutboundMessage> = {};
  if (typeof h.title === 'string') out.title = h.title;
  if (typeof h.code === 'string') out.code = h.code;
  if (typeof h.tone === 'string' && TONES.has(h.tone as MessageTone)) out.tone = h.tone as MessageTone;
  return out;
}

/**
 * The bot's side of `chatops.post_message` / `post_result`: each post was stored in the outbox
 * (queue `chatops:post`) by the action before it was announced on the bus; this posts it through the
 * platform adapter (which has its own durable per-channel outbox), records the outcome under a
 * marker the action waits for, and only then removes the stored post. A sweep re-sends stored posts
 * whose bus message was lost (the in-process bus forgets across a restart), and the marker makes a
 * second delivery a no-op.
 */
export async function startChatPosts(
  deps: ChatPostsDeps,
): Promise<{ stop(): Promise<void>; sweep(): Promise<number> }> {
  const log = deps.logger.child({ component: 'chat-posts' });
  const { store } = deps;

  async function finish(id: string, outcome: ChatPostOutcome): Promise<void> {
    await store.marks.set(chatPostMarkKey(id), outcome as unknown as JsonValue, {
      expiresAt: new Date(Date.now() + MARK_TTL_MS).toISOString(),
    });
    await store.outbox.remove(id);
  }

  async function render(r: ChatPostRequest, adapter: ChatAdapter): Promise<OutboundMessage | undefined> {
    if (r.result_of === undefined) return { text: r.message ?? '', ...hints(r.extra, r.route) };
    const e = await store.executions.get(r.result_of);
    if (!e) return { text: `No execution has id ${r.result_of}.`, tone: 'warning' };
    const alias = e.context.chat?.alias_ref ? await store.aliases.get(e.context.chat.alias_ref) : undefined;
    const tasks = await workflowTasks(store, e);
    return renderResult(
      e,
      deps.present(e),
      alias,
      {
        maxLength: adapter.capabilities.maxMessageLength,
        prefix: deps.prefix,
        ...(tasks ? { tasks: taskSummary(tasks) } : {}),
      },
      (error) => log.warn('alias result template failed', { executionId: e.id, error }),
    );
  }

  async function handle(id: string, r: ChatPostRequest): Promise<void> {
    if ((await store.marks.get(chatPostMarkKey(id))) !== undefined) {
      await store.outbox.remove(id);
      return;
    }
    const adapter = deps.adapters.find(r.platform, r.channel);
    // Thrown so that the bus redelivers: the adapter may be starting, or run in another bot process.
    if (!adapter) throw new SquallError('SQ_CHAT_UNAVAILABLE', `no ${r.platform} adapter is running`);
    const msg = await render(r, adapter);
    if (!msg) {
      await finish(id, { status: 'posted' });
      return;
    }
    const target: ChatTarget = {
      platform: r.platform as Platform,
      channel: r.channel,
      ...(r.thread ? { thread: r.thread } : {}),
      ...(r.whisper && r.user ? { ephemeralUser: r.user } : {}),
    };
    try {
      const ref = r.inquiry
        ? await sendInquiryPost(
            { store, prefix: deps.prefix },
            { ...r, inquiry: r.inquiry },
            adapter,
            target,
            `post:${id}`,
          )
        : await adapter.post(target, msg, { key: `post:${id}` });
      await finish(id, { status: 'posted', ...(ref ? { ref: ref as unknown as JsonValue } : {}) });
    } catch (err) {
      if (!(err instanceof SquallError) || err.code !== 'SQ_CHAT_REFUSED') throw err;
      log.warn('chat post given up: the platform refused it', { executionId: r.execution_id, reason: err.message });
      await finish(id, { status: 'given_up', reason: err.message, platform: r.platform, channel: r.channel });
    }
  }

  const sub: Subscription = await deps.bus.consume(
    'chat.post',
    deps.group,
    async (m) => handle(m.id, m.request as unknown as ChatPostRequest),
    { prefetch: 32, maxAttempts: 50 },
  );

  const grace = deps.graceMs ?? 5000;
  async function sweep(): Promise<number> {
    let resent = 0;
    try {
      const now = Date.now();
      for (const item of await store.outbox.pending(CHAT_POST_QUEUE)) {
        if (item.queue !== CHAT_POST_QUEUE || now - Date.parse(item.due_at) < grace) continue;
        // Pushed back first, so the next sweep leaves it alone while this delivery is under way.
        const attempts = item.attempts + 1;
        await store.outbox.reschedule(item.id, new Date(now + grace * Math.min(attempts, 12)).toISOString(), attempts);
        await deps.bus.publish('chat.post', { id: item.id, request: item.payload });
        resent++;
      }
    } catch (err) {
      log.warn('stored chat posts sweep failed', { error: (err as Error).message });
    }
    return resent;
  }
  void sweep();
  const timer = setInterval(() => void sweep(), deps.everyMs ?? 5000);
  timer.unref();

  return {
    sweep,
    async stop() {
      clearInterval(timer);
      await sub.cancel();
    },
  };
}
