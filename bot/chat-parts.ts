import type { FastifyInstance } from 'fastify';
import type { Subscription } from '../engine/bus/bus.js';
import type { EngineCore } from '../engine/engine.js';
import { StreamHub } from '../engine/stream/stream-hub.js';
import { AdapterRegistry } from './adapter-registry.js';
import { AliasCatalog } from './alias-catalog.js';
import { aliasExecutionRoutes } from './api/alias-execution-routes.js';
import { aliasRoutes } from './api/alias-routes.js';
import { chatopsRoutes } from './api/chatops-routes.js';
import { streamRoutes } from './api/stream-routes.js';
import type { ChatAdapter } from './chat-adapter.js';
import { PendingResults } from './notify/pending-results.js';
import { startResultConsumer } from './notify/result-consumer.js';
import { ChatRouter } from './router.js';
import { StreamChatAdapter } from './stream-chat-adapter.js';

export interface ChatParts {
  catalog: AliasCatalog;
  router: ChatRouter;
  adapters: AdapterRegistry;
  hub: StreamHub;
  /** Registers the chat-facing API routes (aliases, alias executions, stream, chatops messages). */
  registerRoutes(app: FastifyInstance): Promise<void>;
  /** Starts the bot role: adapters, result delivery and its safety net. May be called again after stopBot. */
  startBot(adapters: ChatAdapter[]): Promise<void>;
  /** Stops the bot role (adapters and result delivery); results owed meanwhile wait in the store and queue. */
  stopBot(): Promise<void>;
  stop(): Promise<void>;
}

/** The chat side of a Squall process: alias catalog and router (for the API and the bot), result delivery. */
export async function createChatParts(core: EngineCore, opts: { localShellChannel?: string } = {}): Promise<ChatParts> {
  const { store, bus, logger, config } = core;
  const catalog = new AliasCatalog({ store, logger });
  await catalog.start();
  const router = new ChatRouter({
    store,
    executions: core.executions,
    catalog,
    runners: core.runners,
    logger,
    present: core.present,
    options: {
      prefix: config.chat.prefix,
      defaultRole: config.chat.defaultRole,
      users: config.chat.users,
      ...(config.api.publicUrl ? { publicUrl: config.api.publicUrl } : {}),
    },
  });
  const hub = new StreamHub({ store, bus, logger });
  const adapters = new AdapterRegistry();
  adapters.add(new StreamChatAdapter(core.stream, (ch) => ch === opts.localShellChannel));
  const pending = new PendingResults({ store, bus, logger });
  const subs: Subscription[] = [];
  let started: ChatAdapter[] = [];

  const parts: ChatParts = {
    catalog,
    router,
    adapters,
    hub,
    async registerRoutes(app) {
      await hub.start();
      const ctx = { core, catalog, router };
      await aliasRoutes(app, ctx);
      await aliasExecutionRoutes(app, ctx);
      await streamRoutes(app, hub);
      await chatopsRoutes(app, router);
    },
    async startBot(extra) {
      for (const a of extra) {
        a.onMessage((m) => router.handle(m));
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
          ...(config.api.publicUrl ? { publicUrl: config.api.publicUrl } : {}),
        }),
      );
      pending.start();
    },
    async stopBot() {
      pending.stop();
      await Promise.all(subs.splice(0).map((s) => s.cancel()));
      for (const a of started) {
        await a.stop();
        adapters.remove(a);
      }
      started = [];
    },
    async stop() {
      await parts.stopBot();
      catalog.stop();
      await hub.stop();
    },
  };
  return parts;
}
