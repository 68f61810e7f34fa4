import type { JsonObject } from '../model/json.js';
import type { PurgeRequest } from './purge.js';

/** One event of the public stream, kept for a while so that clients can resume with Last-Event-ID. */
export interface StreamEvent {
  id: number;
  event: string;
  data: JsonObject;
  timestamp: string;
}

export interface EventRepo {
  append(e: { event: string; data: JsonObject }): Promise<StreamEvent>;
  /** Events with id greater than `afterId`, oldest first. */
  since(afterId: number, limit?: number): Promise<StreamEvent[]>;
  /** The highest id so far (0 when empty). */
  lastId(): Promise<number>;
  /** Garbage collection: drops events older than `before` (clients cannot resume before them). */
  purge(req: PurgeRequest): Promise<number>;
}
