import type { ApiKey, Token, User } from '../../model/auth.js';
import type { Execution, OutputStream } from '../../model/execution.js';
import type { JsonObject, JsonValue } from '../../model/json.js';
import type { RuleEnforcement } from '../../model/rule.js';
import type { TriggerInstance } from '../../model/trigger.js';
import type { ProcessInfo } from '../process-repo.js';

// Document shapes as stored in MongoDB: each entity's natural key becomes `_id`, so lookups by key
// use the primary index and uniqueness comes for free.

export type ExecutionDoc = Omit<Execution, 'id'> & { _id: string };
export type UserDoc = Omit<User, 'name'> & { _id: string };
export type ApiKeyDoc = Omit<ApiKey, 'id'> & { _id: string };
export type TokenDoc = Omit<Token, 'token_hash'> & { _id: string };
export type TriggerInstanceDoc = Omit<TriggerInstance, 'id'> & { _id: string };
export type RuleEnforcementDoc = Omit<RuleEnforcement, 'id'> & { _id: string };

export interface OutputDoc {
  /** The chunk's `seq`, from the `output` counter. */
  _id: number;
  execution_id: string;
  stream: OutputStream;
  data: string;
  timestamp: string;
}

export interface EventDoc {
  _id: number;
  event: string;
  data: JsonObject;
  timestamp: string;
}

export interface OutboxDoc {
  _id: string;
  /** Enqueue order, from the `outbox` counter; a queue's items go out in this order. */
  seq: number;
  queue: string;
  payload: JsonObject;
  due_at: string;
  attempts: number;
  created_at: string;
  /** Absent on items stored before claims existed. */
  owner?: string | null;
  claimed_until?: string | null;
}

export interface DedupDoc {
  _id: string;
  at: string;
}

export interface MarkDoc {
  _id: string;
  value: JsonValue;
  expires_at?: string | null;
  /** The same instant as a Date, for MongoDB's TTL index to clean up; reads check `expires_at`. */
  expire_date?: Date | null;
}

export interface OwedResultDoc {
  /** The execution whose result is owed. */
  _id: string;
  route: string;
  created_at: string;
}

export interface LeaseDoc {
  /** The lease's name. */
  _id: string;
  holder: string;
  expires_at: string;
}

/** A process heartbeat, keyed by the process id. */
export type ProcessDoc = Omit<ProcessInfo, 'id'> & { _id: string };

export interface CounterDoc {
  _id: string;
  seq: number;
}

/** A patch without its `undefined` fields, for `$set` (which would otherwise store them as null). */
export function defined(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** Maps `_id` back to the model's key field. */
export function fromDoc<K extends string, D extends { _id: unknown }>(
  key: K,
  doc: D,
): Omit<D, '_id'> & Record<K, D['_id']> {
  const { _id, ...rest } = doc;
  return { [key]: _id, ...rest } as Omit<D, '_id'> & Record<K, D['_id']>;
}

/**
 * The slice of the driver's collection used for plain inserts and replacements, typed by Squall's
 * document shapes (the driver's own types assume ObjectId keys). Going around mongoose here skips
 * document hydration, which buys nothing for JSON records.
 */
export interface RawCollection<D extends { _id: unknown }> {
  insertOne(doc: D): Promise<unknown>;
  insertMany(docs: readonly D[], options?: { ordered?: boolean }): Promise<unknown>;
  replaceOne(filter: Pick<D, '_id'>, replacement: Omit<D, '_id'>, options?: { upsert?: boolean }): Promise<unknown>;
}

export function raw<D extends { _id: unknown }>(model: { collection: unknown }): RawCollection<D> {
  return model.collection as RawCollection<D>;
}
