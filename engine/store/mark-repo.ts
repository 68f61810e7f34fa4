import type { JsonValue } from '../model/json.js';

/**
 * Squall's own small markers, with optional expiry: the chat ack to edit into a result, the
 * "result posted" marker that makes redeliveries post once. Not StackStorm's datastore (st2kv),
 * which users read and write and which has a repo of its own.
 */
export interface MarkRepo {
  /** The live value, or `undefined` when absent or expired. */
  get(key: string): Promise<JsonValue | undefined>;
  /** Writes or replaces the value; without `expiresAt` it stays until deleted. */
  set(key: string, value: JsonValue, opts?: { expiresAt?: string }): Promise<void>;
  /** True when a live value was deleted. */
  delete(key: string): Promise<boolean>;
}
