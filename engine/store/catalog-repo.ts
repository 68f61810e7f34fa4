import type { Page } from './page.js';

/**
 * Pack content (actions, packs, aliases, later rules and triggers) keyed by `ref`, with a unique `id`.
 * `upsert` keeps the id of an existing row with the same ref.
 */
export interface CatalogRepo<T extends { id: string; ref: string }> {
  upsert(item: T): Promise<T>;
  /** By ref, or by id when the argument looks like one. */
  get(refOrId: string): Promise<T | undefined>;
  list(filter?: { pack?: string; name?: string; limit?: number; offset?: number }): Promise<Page<T>>;
  /** True when something was deleted. */
  delete(refOrId: string): Promise<boolean>;
  /**
   * Deletes every item of a pack whose ref is not in `keep`, whatever its source. Pack registration
   * does not use it: it prunes only items that came from files (engine/packs/pack-registrar.ts).
   */
  deleteMissing(pack: string, keep: string[]): Promise<number>;
}
