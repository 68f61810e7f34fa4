import type { Bus, Subscription } from '../../engine/bus/bus.js';
import { SquallError } from '../../engine/errors.js';
import type { Logger } from '../../engine/logger.js';
import type { Execution } from '../../engine/model/execution.js';
import type { JsonObject, JsonValue } from '../../engine/model/json.js';
import type { Store } from '../../engine/store/store.js';
import type { AdapterRegistry } from '../adapter-registry.js';
import type { ChatTarget, OutboundMessage, PostedRef } from '../chat-adapter.js';
import { ackKey } from '../router.js';
import { postedKey } from './pending-results.js';
import { renderResult } from './render-result.js';
import { taskSummary, workflowTasks } from './task-summary.js';

export interface ResultConsumerDeps {
  bus: Bus;
  store: Store;
  adapters: AdapterRegistry;
  logger: Logger;
  present: (e: Execution) => JsonObject;
  prefix: string;
  publicUrl?: string;
  /** The work-queue group it consumes under (named by app/'s role table, so every process agrees). */
  group: string;
  /** Told before a result is posted, so that live progress stops editing the ack first. */
  beforeResult?: (executionId: string) => void;
}

const POSTED_MARK_TTL_MS = 7 * 86_400_000;

async function settleDelivery(deps: ResultConsumerDeps, executionId: string, route: string, mark: JsonValue) {
  await deps.store.marks.set(postedKey(executionId, route), mark, {
    expiresAt: new Date(Date.now() + POSTED_MARK_TTL_MS).toISOString(),
  });
  await deps.store.owedResults.settle(executionId);
}

/**
 * Ends delivery of a result the platform refused for good: the posted mark (which the owed-result
 * sweep and redeliveries read) records it as given up, and the execution's `context.chat_delivery`
 * shows the reason through the API.
 */
async function giveUp(
  deps: ResultConsumerDeps,
  e: Execution,
  route: string,
  refusal: { platform: string; channel: string; reason: string },
): Promise<void> {
  const delivery = { status: 'given_up', route, ...refusal, at: new Date().toISOString() };
  await settleDelivery(deps, e.id, route, delivery);
  await deps.store.executions.update(
    e.id,
    { expect: { status: e.status } },
    { context: { ...e.context, chat_delivery: delivery } },
  );
}

/**
 * The bot's side of result delivery. Results come through a work queue, so a bot restart or an
 * adapter outage delays a result (the message is redelivered) but never drops it; a marker in the
 * store makes sure a redelivered result is posted once.
 */
export async function startResultConsumer(deps: ResultConsumerDeps): Promise<Subscription> {
  const log = deps.logger.child({ component: 'chat-results' });
  return deps.bus.consume(
    'notify.chat',
    deps.group,
    async (n) => {
      if ((await deps.store.marks.get(postedKey(n.execution_id, n.route))) !== undefined) {
        await deps.store.owedResults.settle(n.execution_id);
        return;
      }
      const e = await deps.store.executions.get(n.execution_id);
      if (!e) return;
      deps.beforeResult?.(e.id);
      const chat = e.context.chat;
      const data = n.data ?? {};
      const channel = typeof data.channel === 'string' ? data.channel : chat?.channel;
      const platform = typeof data.platform === 'string' ? data.platform : chat?.platform;
      if (!channel || !platform) {
        log.warn('chat notification without a destination; dropped', { executionId: e.id, route: n.route });
        return;
      }
      const adapter = deps.adapters.find(platform, channel);
      if (!adapter) {
        // Thrown so that the bus redelivers: the adapter may be starting, or live in another bot process.
        throw new SquallError('SQ_CHAT_UNAVAILABLE', `no ${platform} adapter is running for channel ${channel}`);
      }
      const alias = chat?.alias_ref ? await deps.store.aliases.get(chat.alias_ref) : undefined;
      const moreUrl = deps.publicUrl
        ? `${deps.publicUrl.replace(/\/$/, '')}/api/v1/executions/${e.id}/output`
        : undefined;
      const tasks = chat ? await workflowTasks(deps.store, e) : undefined;
      const msg: OutboundMessage | undefined = chat
        ? renderResult(
            e,
            deps.present(e),
            alias,
            {
              maxLength: adapter.capabilities.maxMessageLength,
              prefix: deps.prefix,
              ...(moreUrl ? { moreUrl } : {}),
              ...(tasks ? { tasks: taskSummary(tasks) } : {}),
            },
            (error) => log.warn('alias result template failed', { executionId: e.id, alias: alias?.ref, error }),
          )
        : { text: n.message ?? `Action ${e.action.ref} ${e.status}.` };
      if (msg) {
        const thread = typeof data.thread === 'string' ? data.thread : chat?.thread;
        const target: ChatTarget = { platform: adapter.platform, channel, ...(thread ? { thread } : {}) };
        const ack = (await deps.store.marks.get(ackKey(e.id))) as PostedRef | undefined;
        const key = { key: `result:${e.id}:${n.route}` };
        try {
          if (ack && adapter.resultMode === 'edit' && adapter.capabilities.edit) await adapter.update(ack, msg, key);
          else await adapter.post(target, msg, key);
        } catch (err) {
          // Only a permanent refusal ends delivery; anything else is thrown so the bus retries it.
          if (!(err instanceof SquallError) || err.code !== 'SQ_CHAT_REFUSED') throw err;
          await giveUp(deps, e, n.route, { platform: adapter.platform, channel, reason: err.message });
          log.warn('chat result given up: the platform refused it', {
            executionId: e.id,
            channel,
            reason: err.message,
          });
          return;
        }
      }
      await settleDelivery(deps, n.execution_id, n.route, true);
    },
    { prefetch: 32, maxAttempts: 50 },
  );
}
