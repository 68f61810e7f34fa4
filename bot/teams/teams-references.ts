import type { JsonObject } from '../../engine/model/json.js';
import type { MarkRepo } from '../../engine/store/mark-repo.js';

function key(conversationId: string): string {
  return `teams:conversation:${conversationId}`;
}

/**
 * Conversation references (serviceUrl, conversation, bot, the message replied to), kept in the
 * store so that a result can reach its conversation after a restart: the Bot Framework only lets a
 * bot post proactively to a conversation it holds a reference for.
 */
export class TeamsReferences {
  readonly #repo: MarkRepo;
  readonly #cache = new Map<string, JsonObject>();

  constructor(repo: MarkRepo) {
    this.#repo = repo;
  }

  /** Remembers the latest reference of a conversation. */
  async save(conversationId: string, ref: JsonObject): Promise<void> {
    this.#cache.set(conversationId, ref);
    await this.#repo.set(key(conversationId), ref);
  }

  async get(conversationId: string): Promise<JsonObject | undefined> {
    const hit = this.#cache.get(conversationId);
    if (hit) return hit;
    const v = await this.#repo.get(key(conversationId));
    if (v === undefined || v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    this.#cache.set(conversationId, v);
    return v;
  }
}
