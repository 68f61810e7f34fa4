import { AdapterRegistry } from '../bot/adapter-registry.js';
import { ChatActions } from '../bot/chat-actions.js';
import type { ChatAdapter } from '../bot/chat-adapter.js';
import { InquiryAnswers } from '../bot/inquiry-answers.js';
import { startChatPosts } from '../bot/notify/chat-posts.js';
import { LiveProgress } from '../bot/notify/live-progress.js';
import { PendingResults } from '../bot/notify/pending-results.js';
import { startResultConsumer } from '../bot/notify/result-consumer.js';
import { ChatRouter } from '../bot/router.js';
import { StreamChatAdapter } from '../bot/terminal/stream-chat-adapter.js';
import type { AliasCatalog } from '../engine/aliases/alias-catalog.js';
import type { Subscription } from '../engine/bus/bus.js';
import type { EngineCore } from './engine-core.js';

export interface ChatParts {
  catalog: AliasCatalog;
  router: ChatRouter;
  /** Button clicks on every platform, checked for who clicked; features register their buttons here. */
  actions: ChatActions;
  adapters: AdapterRegistry;
  /** Live progress of commands from chat (off when `chat.progress_every` is 0); follows acks once the bot started. */
  progress: LiveProgress | undefined;
  /** Starts the bot: adapters, result delivery and its safety net. May be called again after stopBot. */
  startBot(adapters: ChatAdapter[]): Promise<void>;
  /** Stops the bot (adapters and result delivery); results owed meanwhile wait in the store and queue. */
  stopBot(): Promise<void>;
}

export interface ChatPartsOptions {
  /** Channel of the in-process terminal shell, so remote shells' results are not sent to it. */
  localShellChannel?: string;
  /** The bus consumer group results are delivered through (the bot role's). */
  resultGroup: string;
}

/** The chat side of a Squall process: the router (for the bot and the remote shell's route) and result delivery. */
export function createChatParts(core: EngineCore, catalog: AliasCatalog, opts: ChatPartsOptions): ChatParts {
  const { store, bus, logger, config } = core;
  const answers = new InquiryAnswers({
    inquiries: core.inquiries,
    grants: config.auth.grants,
    prefix: config.chat.prefix,
  });
  const router = new ChatRouter({
    store,
    executions: core.executions,
    actionPolicy: core.actionPolicy,
    catalog,
    runners: core.runners,
    logger,
    present: core.present,
    inquiryCommand: (command, who) => answers.command(command, who),
    options: {
      prefix: config.chat.prefix,
      defaultRole: config.chat.defaultRole,
      users: config.chat.users,
      ...(config.api.publicUrl ? { publicUrl: config.api.publicUrl } : {}),
    },
  });
  const adapters = new AdapterRegistry();
  const actions = new ChatActions({
    store,
    adapters,
    logger,
    options: { defaultRole: config.chat.defaultRole, users: config.chat.users },
  });
  answers.register(actions);
  adapters.add(new StreamChatAdapter(core.stream, (ch) => ch === opts.localShellChannel));
  const pending = new PendingResults({ store, bus, logger });
  const everyMs = config.chat.progressEveryS * 1000;
  const progress =
    everyMs > 0 ? new LiveProgress({ bus, store, adapters, logger, afterMs: everyMs, everyMs }) : undefined;
  const subs: Subscription[] = [];
  let started: ChatAdapter[] = [];
  let posts: { stop(): Promise<void> } | undefined;

  const parts: ChatParts = {
    catalog,
    router,
    actions,
    adapters,
    progress,
    async startBot(extra) {
      // Before the adapters: an ack posted as soon as one starts is followed.
      await progress?.start();
      for (const a of extra) {
        a.onMessage(async (m) => {
          const reply = await router.handle(m);
          return progress ? progress.watch(reply) : reply;
        });
        a.onAction?.((x) => actions.handle(x));
        adapters.add(a);
      }
      started = extra;
      for (const a of extra) await a.start();
      subs.push(
        await startResultConsumer({
          bus,
          store,
          adapters,
          logger,
          present: core.present,
          prefix: config.chat.prefix,
          group: opts.resultGroup,
          ...(config.api.publicUrl ? { publicUrl: config.api.publicUrl } : {}),
          ...(progress ? { beforeResult: (id: string) => progress.finish(id) } : {}),
        }),
      );
      posts = await startChatPosts({
        bus,
        store,
        adapters,
        logger,
        present: core.present,
        prefix: config.chat.prefix,
        group: opts.resultGroup,
      });
      pending.start();
    },
    async stopBot() {
      pending.stop();
      await progress?.stop();
      // Deliveries stop first; the ones in flight may wait on an adapter's outbox, which settles them when it stops.
      const cancels = [...subs.splice(0).map((s) => s.cancel()), posts?.stop()];
      posts = undefined;
      for (const a of started) {
        await a.stop();
        adapters.remove(a);
      }
      started = [];
      await Promise.all(cancels);
    },
  };
  return parts;
}
