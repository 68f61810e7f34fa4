import type { JsonValue } from '../../model/json.js';
import type { DedupRepo, KvRepo, OutboxItem, OutboxRepo } from '../store.js';
import { guard, isDuplicateKey } from './mongo-errors.js';
import { type MongoModel, nextSeq } from './mongo-models.js';
import { type DedupDoc, type KvDoc, type OutboxDoc, raw } from './mongo-types.js';

function toItem(d: OutboxDoc): OutboxItem {
  return {
    id: d._id,
    queue: d.queue,
    payload: d.payload,
    due_at: d.due_at,
    attempts: d.attempts,
    created_at: d.created_at,
  };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Per-channel chat outboxes; `seq` from the `outbox` counter keeps each queue in enqueue order. */
export class MongoOutboxRepo implements OutboxRepo {
  readonly #model: MongoModel;
  readonly #counters: MongoModel;

  constructor(model: MongoModel, counters: MongoModel) {
    this.#model = model;
    this.#counters = counters;
  }

  async enqueue(item: Omit<OutboxItem, 'attempts' | 'created_at'> & { attempts?: number }): Promise<OutboxItem> {
    return guard(`enqueueing outbox item ${item.id}`, async () => {
      const existing = await this.#model.findById(item.id).lean<OutboxDoc>().exec();
      if (existing) return toItem(existing);
      const doc: OutboxDoc = {
        _id: item.id,
        seq: await nextSeq(this.#counters, 'outbox'),
        queue: item.queue,
        payload: item.payload,
        due_at: item.due_at,
        attempts: item.attempts ?? 0,
        created_at: new Date().toISOString(),
      };
      try {
        await raw<OutboxDoc>(this.#model).insertOne(doc);
        return toItem(doc);
      } catch (e) {
        // A concurrent enqueue of the same id won; it is the same message, so return theirs.
        if (!isDuplicateKey(e)) throw e;
        const theirs = await this.#model.findById(item.id).lean<OutboxDoc>().exec();
        if (!theirs) throw e;
        return toItem(theirs);
      }
    });
  }

  async heads(queuePrefix: string, now: string): Promise<OutboxItem[]> {
    // The head is chosen before the due check: a later item that is due must still wait behind
    // an earlier one that is not (a rate-limited message must not be overtaken).
    const docs = await guard('reading outbox heads', () =>
      this.#model
        .aggregate<OutboxDoc>([
          { $match: { queue: { $regex: `^${escapeRegex(queuePrefix)}` } } },
          { $sort: { seq: 1 } },
          { $group: { _id: '$queue', head: { $first: '$$ROOT' } } },
          { $replaceRoot: { newRoot: '$head' } },
          { $match: { due_at: { $lte: now } } },
          { $sort: { seq: 1 } },
        ])
        .exec(),
    );
    return docs.map(toItem);
  }

  async pending(queuePrefix: string): Promise<OutboxItem[]> {
    const docs = await guard('reading the outbox', () =>
      this.#model
        .find({ queue: { $regex: `^${escapeRegex(queuePrefix)}` } })
        .sort({ seq: 1 })
        .lean<OutboxDoc[]>()
        .exec(),
    );
    return docs.map(toItem);
  }

  async reschedule(id: string, dueAt: string, attempts: number): Promise<void> {
    await guard(`rescheduling outbox item ${id}`, () =>
      this.#model.updateOne({ _id: id }, { $set: { due_at: dueAt, attempts } }).exec(),
    );
  }

  async remove(id: string): Promise<void> {
    await guard(`removing outbox item ${id}`, () => this.#model.deleteOne({ _id: id }).exec());
  }
}

export class MongoDedupRepo implements DedupRepo {
  readonly #model: MongoModel;

  constructor(model: MongoModel) {
    this.#model = model;
  }

  async claim(key: string, at?: string): Promise<boolean> {
    return guard('claiming a dedup key', async () => {
      try {
        await raw<DedupDoc>(this.#model).insertOne({ _id: key, at: at ?? new Date().toISOString() });
        return true;
      } catch (e) {
        if (isDuplicateKey(e)) return false;
        throw e;
      }
    });
  }

  async prune(before: string): Promise<number> {
    const r = await guard('pruning dedup keys', () => this.#model.deleteMany({ at: { $lt: before } }).exec());
    return r.deletedCount;
  }
}

/** Small records with optional expiry; an expired value reads as absent. */
export class MongoKvRepo implements KvRepo {
  readonly #model: MongoModel;

  constructor(model: MongoModel) {
    this.#model = model;
  }

  async get(key: string): Promise<JsonValue | undefined> {
    const now = new Date().toISOString();
    const doc = await guard(`reading key ${key}`, () =>
      this.#model
        .findOne({ _id: key, $or: [{ expires_at: null }, { expires_at: { $gt: now } }] })
        .lean<KvDoc>()
        .exec(),
    );
    return doc ? doc.value : undefined;
  }

  async set(key: string, value: JsonValue, opts: { expiresAt?: string } = {}): Promise<void> {
    const expiresAt = opts.expiresAt ?? null;
    await guard(`writing key ${key}`, () =>
      raw<KvDoc>(this.#model).replaceOne(
        { _id: key },
        { value, expires_at: expiresAt, expire_date: expiresAt === null ? null : new Date(expiresAt) },
        { upsert: true },
      ),
    );
  }

  async delete(key: string): Promise<boolean> {
    // Expired records are removed too, but only a live value counts as "deleted".
    const doc = await guard(`deleting key ${key}`, () =>
      this.#model.findOneAndDelete({ _id: key }).lean<KvDoc>().exec(),
    );
    if (!doc) return false;
    return doc.expires_at == null || doc.expires_at > new Date().toISOString();
  }
}
