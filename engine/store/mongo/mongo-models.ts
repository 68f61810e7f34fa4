import { type Connection, type Model, Schema } from 'mongoose';
import { guard } from './mongo-errors.js';
import type { CounterDoc } from './mongo-types.js';

// Schemas declare only keys and indexed fields; `strict: false` stores everything else exactly as
// given (JSON in, JSON out), `minimize: false` keeps empty objects such as `parameters: {}`, and no
// version key is added to Squall's documents. Without buffering an operation on a connection that is
// not open fails at once (SQ_STORE_UNAVAILABLE) instead of waiting in memory.
const OPTIONS = { strict: false, minimize: false, versionKey: false, bufferCommands: false } as const;

function schema(fields: Record<string, unknown>): Schema {
  return new Schema(fields, OPTIONS);
}

function executionSchema(): Schema {
  const s = schema({
    _id: String,
    status: String,
    start_timestamp: String,
    updated_at: String,
    heartbeat_at: String,
    parent: String,
  });
  s.index({ start_timestamp: -1, _id: -1 });
  s.index({ status: 1, updated_at: 1 });
  // The queue (requested, delayed, scheduled) oldest first: the policy sweep, /metrics, filtered lists.
  s.index({ status: 1, start_timestamp: 1 });
  // A policy's delayed executions of one action, oldest first, when a slot frees.
  s.index({ 'action.ref': 1, status: 1, start_timestamp: 1 });
  // The history view's filters, each in page order (newest first), as on SQLite (migration 21).
  s.index({ status: 1, start_timestamp: -1, _id: -1 });
  s.index({ 'action.ref': 1, start_timestamp: -1, _id: -1 });
  s.index({ 'context.user': 1, start_timestamp: -1, _id: -1 });
  s.index({ parent: 1, start_timestamp: -1, _id: -1 });
  return s;
}

function catalogSchema(packField: 'pack' | 'ref'): Schema {
  const s = schema({ _id: String, ref: String, pack: String, name: String });
  s.index({ ref: 1 }, { unique: true });
  s.index({ [packField]: 1, name: 1, ref: 1 });
  return s;
}

/**
 * What mongoose is told about a document. The precise shapes (mongo-types.ts) are applied to lean
 * results instead: mongoose's typing of recursive JSON types is too deep for the compiler.
 */
export interface MongoRecord {
  _id: string | number;
}
export type MongoModel = Model<MongoRecord>;

/** One mongoose model per entity, compiled on Squall's own connection (never the global one). */
export interface MongoModels {
  executions: MongoModel;
  output: MongoModel;
  actions: MongoModel;
  packs: MongoModel;
  aliases: MongoModel;
  users: MongoModel;
  apiKeys: MongoModel;
  tokens: MongoModel;
  events: MongoModel;
  outbox: MongoModel;
  dedup: MongoModel;
  owedResults: MongoModel;
  marks: MongoModel;
  leases: MongoModel;
  counters: MongoModel;
  triggerInstances: MongoModel;
  kv: MongoModel;
  rules: MongoModel;
  triggerTypes: MongoModel;
  sensors: MongoModel;
  ruleEnforcements: MongoModel;
  workflows: MongoModel;
  policies: MongoModel;
  policySlots: MongoModel;
  processes: MongoModel;
  inquiries: MongoModel;
}

export function createModels(conn: Connection): MongoModels {
  const output = schema({ _id: Number, execution_id: String, stream: String, data: String, timestamp: String });
  output.index({ execution_id: 1, _id: 1 });
  output.index({ timestamp: 1 });

  const apiKeys = schema({ _id: String, key_hash: String, user: String });
  apiKeys.index({ key_hash: 1 }, { unique: true });
  apiKeys.index({ user: 1 });

  const tokens = schema({ _id: String, user: String, expiry: String });
  tokens.index({ expiry: 1 });

  const events = schema({ _id: Number, event: String, timestamp: String });
  events.index({ timestamp: 1 });

  const outbox = schema({ _id: String, seq: Number, queue: String, due_at: String, attempts: Number });
  outbox.index({ queue: 1, seq: 1 });

  const dedup = schema({ _id: String, at: String });
  dedup.index({ at: 1 });

  const owedResults = schema({ _id: String, route: String, created_at: String });
  owedResults.index({ created_at: 1 });

  const marks = schema({ _id: String, expires_at: String, expire_date: Date });
  // MongoDB removes expired rows on its own schedule (about once a minute); reads check expires_at.
  marks.index({ expire_date: 1 }, { expireAfterSeconds: 0 });

  const triggerInstances = schema({
    _id: String,
    trigger: String,
    status: String,
    occurrence_time: String,
    updated_at: String,
  });
  triggerInstances.index({ occurrence_time: -1, _id: -1 });
  triggerInstances.index({ trigger: 1, occurrence_time: -1 });
  triggerInstances.index({ status: 1, updated_at: 1 });
  triggerInstances.index({ trace_tag: 1, occurrence_time: 1 });
  const kv = schema({ _id: String, scope: String, owner: String, name: String, expire_date: Date });
  kv.index({ scope: 1, owner: 1, name: 1 });
  kv.index({ expire_date: 1 }, { expireAfterSeconds: 0 });
  // The expiry sweep deletes by the ISO field (it fires change triggers the TTL index cannot).
  kv.index({ expire_timestamp: 1 }, { sparse: true });

  const ruleEnforcements = schema({
    _id: String,
    trigger_instance_id: String,
    execution_id: String,
    enforced_at: String,
  });
  ruleEnforcements.index({ enforced_at: -1, _id: -1 });
  ruleEnforcements.index({ 'rule.ref': 1, enforced_at: -1 });
  ruleEnforcements.index({ 'rule.id': 1, enforced_at: -1 });
  ruleEnforcements.index({ trigger_instance_id: 1 });
  ruleEnforcements.index({ execution_id: 1 });

  const workflows = schema({ _id: String, rev: Number, active: Boolean, updated_at: String });
  workflows.index({ active: 1, updated_at: 1 });

  // Slot n of a key is the document `<key>#<n>`: the unique _id is what lets one holder only take it.
  const policySlots = schema({ _id: String, key: String, slot: Number, holder: String, taken_at: String });
  policySlots.index({ key: 1, slot: 1 });
  policySlots.index({ holder: 1 });

  // Chat identity looks a user up by `nicknames.<platform>`, one key per platform.
  const users = schema({ _id: String });
  users.index({ 'nicknames.$**': 1 });

  const processes = schema({ _id: String, heartbeat_at: String });
  processes.index({ heartbeat_at: 1 });
  const inquiries = schema({ _id: String, status: String, created_at: String, expires_at: String });
  inquiries.index({ status: 1, created_at: -1 });
  inquiries.index({ created_at: -1, _id: -1 });
  inquiries.index({ status: 1, expires_at: 1 });

  return {
    policies: conn.model<MongoRecord>('Policy', catalogSchema('pack'), 'policies'),
    policySlots: conn.model<MongoRecord>('PolicySlot', policySlots, 'policy_slots'),
    processes: conn.model<MongoRecord>('Process', processes, 'processes'),
    workflows: conn.model<MongoRecord>('Workflow', workflows, 'workflows'),
    inquiries: conn.model<MongoRecord>('Inquiry', inquiries, 'inquiries'),
    ruleEnforcements: conn.model<MongoRecord>('RuleEnforcement', ruleEnforcements, 'rule_enforcements'),
    triggerInstances: conn.model<MongoRecord>('TriggerInstance', triggerInstances, 'trigger_instances'),
    rules: conn.model<MongoRecord>('Rule', catalogSchema('pack'), 'rules'),
    triggerTypes: conn.model<MongoRecord>('TriggerType', catalogSchema('pack'), 'trigger_types'),
    sensors: conn.model<MongoRecord>('SensorType', catalogSchema('pack'), 'sensor_types'),
    executions: conn.model<MongoRecord>('Execution', executionSchema(), 'executions'),
    output: conn.model<MongoRecord>('OutputChunk', output, 'execution_output'),
    actions: conn.model<MongoRecord>('Action', catalogSchema('pack'), 'actions'),
    packs: conn.model<MongoRecord>('Pack', catalogSchema('ref'), 'packs'),
    aliases: conn.model<MongoRecord>('ActionAlias', catalogSchema('pack'), 'action_aliases'),
    users: conn.model<MongoRecord>('User', users, 'users'),
    apiKeys: conn.model<MongoRecord>('ApiKey', apiKeys, 'api_keys'),
    tokens: conn.model<MongoRecord>('Token', tokens, 'tokens'),
    events: conn.model<MongoRecord>('StreamEvent', events, 'stream_events'),
    outbox: conn.model<MongoRecord>('OutboxItem', outbox, 'outbox'),
    dedup: conn.model<MongoRecord>('DedupKey', dedup, 'dedup'),
    owedResults: conn.model<MongoRecord>('OwedResult', owedResults, 'owed_results'),
    marks: conn.model<MongoRecord>('Mark', marks, 'marks'),
    leases: conn.model<MongoRecord>('Lease', schema({ _id: String, holder: String, expires_at: String }), 'leases'),
    counters: conn.model<MongoRecord>('Counter', schema({ _id: String, seq: Number }), 'counters'),
    kv: conn.model<MongoRecord>('KeyValuePair', kv, 'kv_pairs'),
  };
}

/**
 * The garbage collector's delete on one collection: the documents `filter` selects, at most `limit`
 * of them (oldest ids are not implied: any `limit` matching ones), counted instead when `dryRun`.
 */
export async function purgeDocs(
  model: MongoModel,
  what: string,
  filter: Record<string, unknown>,
  req: { dryRun?: boolean; limit?: number },
): Promise<number> {
  return guard(what, async () => {
    if (req.dryRun) return model.countDocuments(filter).exec();
    if (req.limit === undefined) return (await model.deleteMany(filter).exec()).deletedCount;
    const ids = (await model.find(filter, { _id: 1 }).limit(req.limit).lean<{ _id: string | number }[]>().exec()).map(
      (d) => d._id,
    );
    if (ids.length === 0) return 0;
    // The filter again: a document that changed since it was read is no longer deleted.
    return (await model.deleteMany({ ...filter, _id: { $in: ids } }).exec()).deletedCount;
  });
}

/**
 * Reserves `n` consecutive numbers from a named counter and returns the last one. `$inc` on one
 * document is atomic, so concurrent callers (in any process) never get the same number.
 */
export async function nextSeq(counters: MongoModel, name: string, n = 1): Promise<number> {
  const doc = await counters
    .findOneAndUpdate({ _id: name }, { $inc: { seq: n } }, { upsert: true, returnDocument: 'after' })
    .lean<CounterDoc>();
  if (!doc) throw new Error(`counter ${name} was not returned after $inc`);
  return doc.seq;
}

/** The current value of a named counter (0 before first use). */
export async function currentSeq(counters: MongoModel, name: string): Promise<number> {
  const doc = await counters.findById(name).lean<CounterDoc>();
  return doc?.seq ?? 0;
}
