import type { KvScope } from '../datastore/kv-lookup.js';
import type { KeyValueInput, KeyValuePair, KeyValueRef } from '../model/key-value.js';
import type { Page } from './page.js';

export interface KvListQuery {
  /** Absent: both scopes. */
  scope?: KvScope;
  /** Only `st2kv.user` items of this owner (system items are listed regardless). */
  user?: string;
  /** Only names starting with this text. */
  prefix?: string;
  limit: number;
  offset: number;
}

/** The result of a write: what was there before (a live item only) and what is there now. */
export interface KvPutResult {
  previous?: KeyValuePair;
  current: KeyValuePair;
}

/**
 * StackStorm's datastore (st2kv): user-visible string items by scope, owner and name, with optional
 * expiry. An expired item reads as absent everywhere and is removed by `purgeExpired`. Not Squall's
 * internal markers (`marks`).
 */
export interface KvRepo {
  /** The live item, or undefined. */
  get(ref: KeyValueRef): Promise<KeyValuePair | undefined>;
  /** Live items ordered by scope, owner, name. */
  list(q: KvListQuery): Promise<Page<KeyValuePair>>;
  /** Creates or replaces an item in one step, returning the live item it replaced. */
  put(item: KeyValueInput): Promise<KvPutResult>;
  /** Removes an item; returns it when it was live. */
  delete(ref: KeyValueRef): Promise<KeyValuePair | undefined>;
  /** Removes every item expired at `now`; returns how many. */
  purgeExpired(now?: Date): Promise<number>;
}
