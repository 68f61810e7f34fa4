import type { KvScope } from '../datastore/kv-lookup.js';

/**
 * One datastore item as stored (StackStorm's KeyValuePair). A secret's `value` is the ciphertext
 * (engine/datastore/kv-cipher.ts); the plain text is never stored.
 */
export interface KeyValuePair {
  id: string;
  name: string;
  scope: KvScope;
  /** The owner of a `st2kv.user` item; absent for `st2kv.system`. */
  user?: string;
  /** The stored string: plain text, or the ciphertext when `secret`. */
  value: string;
  secret: boolean;
  description?: string;
  /** ISO time after which the item is gone (set from `ttl` seconds). */
  expire_timestamp?: string;
  created_at: string;
  updated_at: string;
}

/** What a write gives; the store keeps `id` and `created_at` of an item it replaces. */
export type KeyValueInput = Omit<KeyValuePair, 'id' | 'created_at' | 'updated_at'>;

/** Which item: the scope, the owner for `st2kv.user`, the name. */
export interface KeyValueRef {
  scope: KvScope;
  name: string;
  user?: string;
}
