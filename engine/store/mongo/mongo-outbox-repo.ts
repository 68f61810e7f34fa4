import type { NewOutboxItem, OutboxItem, OutboxRepo } from '../outbox-repo.js';
import { guard, isDuplicateKey } from './mongo-errors.js';
import { type MongoModel, nextSeq } from './mongo-models.js';
import { type OutboxDoc, raw } from './mongo-types.js';

function toItem(d: OutboxDoc): OutboxItem {
  return {
    id: d._id,
    queue: d.queue,
    payload: d.payload,
    due_at: d.due_at,
    attempts: d.attempts,
    created_at: d.created_at,
    // Items stored before claims existed have neither field.
    owner: d.owner ?? null,
    claimed_until: d.claimed_until ?? null,
  };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const inQueues = (queuePrefix: string) => ({ queue: { $regex: `^${escapeRegex(queuePrefix)}` } });

/** Per-channel chat outboxes; `seq` from the `outbox` counter keeps each queue in enqueue order. */
export class MongoOutboxRepo implements OutboxRepo {
  readonly #model: MongoModel;
  readonly #counters: MongoModel;

  constructor(model: MongoModel, counters: MongoModel) {
    this.#model = model;
    this.#counters = counters;
  }

  async enqueue(item: NewOutboxItem): Promise<OutboxItem> {
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
        owner: item.owner ?? null,
        claimed_until: item.claimed_until ?? null,
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
          { $match: inQueues(queuePrefix) },
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
      this.#model.find(inQueues(queuePrefix)).sort({ seq: 1 }).lean<OutboxDoc[]>().exec(),
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

  async claim(id: string, owner: string, until: string, now: string): Promise<boolean> {
    // One conditional update is the compare-and-set: of two senders racing, only one matches.
    // `owner: null` also matches items stored before claims existed (no field).
    const r = await guard(`claiming outbox item ${id}`, () =>
      this.#model
        .updateOne(
          { _id: id, $or: [{ owner: null }, { owner }, { claimed_until: null }, { claimed_until: { $lte: now } }] },
          { $set: { owner, claimed_until: until } },
        )
        .exec(),
    );
    return r.matchedCount === 1;
  }

  async renew(queuePrefix: string, owner: string, until: string): Promise<number> {
    const r = await guard('renewing outbox claims', () =>
      this.#model.updateMany({ ...inQueues(queuePrefix), owner }, { $set: { claimed_until: until } }).exec(),
    );
    return r.matchedCount;
  }

  async release(queuePrefix: string, owner: string): Promise<void> {
    await guard('releasing outbox claims', () =>
      this.#model
        .updateMany({ ...inQueues(queuePrefix), owner }, { $set: { owner: null, claimed_until: null } })
        .exec(),
    );
  }
}
