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
}

export interface OutboxRepo {
  enqueue(item: Omit<OutboxItem, 'attempts' | 'created_at'> & { attempts?: number }): Promise<OutboxItem>;
  /** The oldest item of each queue whose prefix matches, if due (one per queue keeps order). */
  heads(queuePrefix: string, now: string): Promise<OutboxItem[]>;
  /** Every pending item of the queues with this prefix (diagnostics and tests). */
  pending(queuePrefix: string): Promise<OutboxItem[]>;
  reschedule(id: string, dueAt: string, attempts: number): Promise<void>;
  remove(id: string): Promise<void>;
}
