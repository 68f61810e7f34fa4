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

  /**
   * Remembers the latest reference of a conversation. The message it was taken from is left out
   * (each send names the message it replies to), so that the store is written only when the
   * conversation's reference really changed, not on every message.
   */
  async save(conversationId: string, ref: JsonObject): Promise<void> {
    const { activityId: _, ...conversation } = ref;
    const cached = this.#cache.get(conversationId);
    if (cached && JSON.stringify(cached) === JSON.stringify(conversation)) return;
    this.#cache.set(conversationId, conversation);
    await this.#repo.set(key(conversationId), conversation);
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
