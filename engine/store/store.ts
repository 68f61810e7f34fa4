import type { Logger } from '../logger.js';
import type { Action, Pack } from '../model/action.js';
import type { ActionAlias } from '../model/alias.js';
import type { ApiKey, Token, User } from '../model/auth.js';
import type {
  Execution,
  ExecutionFilter,
  ExecutionPatch,
  ExecutionStatus,
  NewExecution,
  OutputChunk,
  OutputStream,
} from '../model/execution.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import type { LeaseRepo } from './lease-repo.js';

/**
 * The Store is Squall's only door to a database. Each entity has one narrow repository; adapters
 * (SQLite embedded, MongoDB for clusters) live in their own folders and pass one contract suite.
 */
export interface Store {
  readonly executions: ExecutionRepo;
  readonly output: OutputRepo;
  readonly actions: CatalogRepo<Action>;
  readonly packs: CatalogRepo<Pack>;
  readonly aliases: CatalogRepo<ActionAlias>;
  readonly users: UserRepo;
  readonly apiKeys: ApiKeyRepo;
  readonly tokens: TokenRepo;
  readonly events: EventRepo;
  readonly outbox: OutboxRepo;
  readonly dedup: DedupRepo;
  readonly kv: KvRepo;
  /** Named expiring leases for single-active roles. */
  readonly leases: LeaseRepo;
  /** Connect and migrate. */
  init(): Promise<void>;
  /** Release the connection; the adapter owns it. */
  close(): Promise<void>;
}

export interface Page<T> {
  items: T[];
  /** Matching rows before limit/offset, for `X-Total-Count`. */
  total: number;
}

export interface ExecutionRepo {
  /** Stores a new execution. Fails with SQ_CONFLICT when the id exists. */
  create(e: NewExecution): Promise<Execution>;
  get(id: string): Promise<Execution | undefined>;
  list(filter: ExecutionFilter): Promise<Page<Execution>>;
  /**
   * Compare-and-set: applies `patch` only while the stored status is one of `expect.status`.
   * `undefined` means the status had moved on (another worker won the race); that is not an error.
   */
  update(
    id: string,
    cas: { expect: { status: ExecutionStatus | readonly ExecutionStatus[] } },
    patch: ExecutionPatch,
  ): Promise<Execution | undefined>;
  /** Records a heartbeat without a status change; false when the execution is no longer `running`. */
  heartbeat(id: string, at: string): Promise<boolean>;
  /** Counts executions by status (benchmarks, health, the crash test). */
  countByStatus(): Promise<Partial<Record<ExecutionStatus, number>>>;
}

export interface OutputRepo {
  /** Appends chunks in order; returns them with their assigned `seq`. */
  append(
    chunks: { execution_id: string; stream: OutputStream; data: string; timestamp?: string }[],
  ): Promise<OutputChunk[]>;
  /** Chunks of one execution in order, optionally after a `seq` and of one stream. */
  list(executionId: string, opts?: { afterSeq?: number; stream?: OutputStream }): Promise<OutputChunk[]>;
}

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
  /** Deletes every item of a pack whose ref is not in `keep` (re-registering a pack). */
  deleteMissing(pack: string, keep: string[]): Promise<number>;
}

export interface UserRepo {
  create(u: User): Promise<User>;
  get(name: string): Promise<User | undefined>;
  list(): Promise<User[]>;
  update(name: string, patch: Partial<Omit<User, 'name' | 'created_at'>>): Promise<User | undefined>;
  /** The user whose nickname for `platform` is `chatUser`. */
  findByNickname(platform: string, chatUser: string): Promise<User | undefined>;
}

export interface ApiKeyRepo {
  create(k: ApiKey): Promise<ApiKey>;
  get(id: string): Promise<ApiKey | undefined>;
  getByHash(keyHash: string): Promise<ApiKey | undefined>;
  list(filter?: { user?: string }): Promise<ApiKey[]>;
  update(id: string, patch: { enabled?: boolean; metadata?: JsonObject }): Promise<ApiKey | undefined>;
  delete(id: string): Promise<boolean>;
}

export interface TokenRepo {
  create(t: Token): Promise<Token>;
  getByHash(tokenHash: string): Promise<Token | undefined>;
  delete(tokenHash: string): Promise<boolean>;
  /** Removes tokens whose expiry is before `now`; returns how many. */
  deleteExpired(now: string): Promise<number>;
}

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
  /** Drops events older than `before`; returns how many. */
  prune(before: string): Promise<number>;
}

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

/** Once-only keys: a result posted once, a Slack retry ignored. */
export interface DedupRepo {
  /** True the first time a key is claimed, false ever after (until pruned). */
  claim(key: string, at?: string): Promise<boolean>;
  prune(before: string): Promise<number>;
}

/** Small internal key-value records (for example the chat ack to edit into a result), with optional expiry. */
export interface KvRepo {
  get(key: string): Promise<JsonValue | undefined>;
  set(key: string, value: JsonValue, opts?: { expiresAt?: string }): Promise<void>;
  delete(key: string): Promise<boolean>;
}

export type StoreConfig = { kind: 'sqlite'; path: string } | { kind: 'mongo'; url: string };

export type StoreFactory = (cfg: StoreConfig, deps: { logger: Logger }) => Promise<Store>;
