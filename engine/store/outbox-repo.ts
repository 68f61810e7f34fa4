import type { JsonObject } from '../model/json.js';

/** A chat message waiting to be sent; per-channel outboxes survive restarts through this repo. */
export interface OutboxItem {
  id: string;
  /** Which queue: for example `slack:C123`. Items of one queue go out in `id` order. */
  queue: string;
  payload: JsonObject;
  /** ISO time before which it must not be sent (rate limits, Retry-After). */
  due_at: string;
  attempts: number;
  created_at: string;
  /** The sender (one bot process's outbox) that holds it, or null when nobody does. */
  owner: string | null;
  /** ISO time the owner's claim lapses unless renewed; after it another sender may take the item over. */
  claimed_until: string | null;
}

export type NewOutboxItem = Omit<OutboxItem, 'attempts' | 'created_at' | 'owner' | 'claimed_until'> & {
  attempts?: number;
  /** Stored already claimed, so no other sender can take it between the write and the claim. */
  owner?: string;
  claimed_until?: string;
};

export interface OutboxRepo {
  enqueue(item: NewOutboxItem): Promise<OutboxItem>;
  /** The oldest item of each queue whose prefix matches, if due (one per queue keeps order). */
  heads(queuePrefix: string, now: string): Promise<OutboxItem[]>;
  /** Every pending item of the queues with this prefix (diagnostics and tests). */
  pending(queuePrefix: string): Promise<OutboxItem[]>;
  reschedule(id: string, dueAt: string, attempts: number): Promise<void>;
  /** Deletes the item, and with it any claim on it. */
  remove(id: string): Promise<void>;
  /**
   * Compare-and-set: gives `id` to `owner` until `until` if nobody holds it, `owner` already does, or
   * the holder's claim lapsed at or before `now`. False if another owner holds it or it is gone.
   */
  claim(id: string, owner: string, until: string, now: string): Promise<boolean>;
  /** Extends every claim `owner` holds on the queues with this prefix (a live sender's heartbeat); returns how many. */
  renew(queuePrefix: string, owner: string, until: string): Promise<number>;
  /** Gives up `owner`'s claims on the queues with this prefix (a clean stop), so another sender takes them over at once. */
  release(queuePrefix: string, owner: string): Promise<void>;
}
