import type { EngineCore } from '../../engine/engine.js';
import type { AliasCatalog } from '../alias-catalog.js';
import type { ChatRouter } from '../router.js';

/** What the chat-facing API routes need: the engine core plus the bot's alias catalog and router. */
export interface BotApiContext {
  core: EngineCore;
  catalog: AliasCatalog;
  router: ChatRouter;
}
