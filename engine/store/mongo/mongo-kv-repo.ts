import { newId } from '../../ids.js';
import type { KeyValueInput, KeyValuePair, KeyValueRef } from '../../model/key-value.js';
import type { KvListQuery, KvPutResult, KvRepo } from '../kv-repo.js';
import type { Page } from '../page.js';
import { guard, isDuplicateKey } from './mongo-errors.js';
import type { MongoModel } from './mongo-models.js';

/** One datastore item: `_id` is scope, owner and name; the item itself sits in `item`. */
interface KvDoc {
  _id: string;
  scope: string;
  owner: string;
  name: string;
  item: KeyValuePair;
  expire_timestamp: string | null;
  /** The same instant as a Date, for MongoDB's TTL index; reads check `expire_timestamp`. */
  expire_date: Date | null;
}

const live = (now: string) => ({ $or: [{ expire_timestamp: null }, { expire_timestamp: { $gt: now } }] });

/** Datastore items as documents in `kv_pairs`. */
export class MongoKvRepo implements KvRepo {
  readonly #model: MongoModel;

  constructor(model: MongoModel) {
    this.#model = model;
  }

  async get(ref: KeyValueRef): Promise<KeyValuePair | undefined> {
    const now = new Date().toISOString();
    const doc = await guard(`reading datastore item ${ref.name}`, () =>
      this.#model
        .findOne({ _id: docId(ref), ...live(now) })
        .lean<KvDoc>()
        .exec(),
    );
    return doc?.item;
  }

  async list(q: KvListQuery): Promise<Page<KeyValuePair>> {
    const filter: Record<string, unknown> = live(new Date().toISOString());
    const and: Record<string, unknown>[] = [];
    if (q.scope) and.push({ scope: q.scope });
    if (q.user !== undefined) and.push({ $or: [{ scope: 'st2kv.system' }, { owner: q.user }] });
    if (q.prefix) and.push({ name: { $regex: `^${escapeRegex(q.prefix)}` } });
    if (and.length) filter.$and = and;
    return guard('listing datastore items', async () => {
      const [total, docs] = await Promise.all([
        this.#model.countDocuments(filter).exec(),
        this.#model
          .find(filter)
          .sort({ scope: 1, owner: 1, name: 1 })
          .skip(q.offset)
          .limit(q.limit)
          .lean<KvDoc[]>()
          .exec(),
      ]);
      return { total, items: docs.map((d) => d.item) };
    });
  }

  async put(item: KeyValueInput): Promise<KvPutResult> {
    const id = docId(item);
    return guard(`writing datastore item ${item.name}`, async () => {
      // Compare-and-set on the document read: a concurrent writer makes us read again.
      for (;;) {
        const ts = new Date().toISOString();
        const before = await this.#model.findById(id).lean<KvDoc>().exec();
        const old = before?.item;
        const previous = old && (old.expire_timestamp === undefined || old.expire_timestamp > ts) ? old : undefined;
        const { user, ...rest } = item;
        const current: KeyValuePair = {
          ...rest,
          ...(item.scope === 'st2kv.user' && user !== undefined ? { user } : {}),
          id: previous?.id ?? newId(),
          created_at: previous?.created_at ?? ts,
          updated_at: ts,
        };
        const doc = {
          scope: item.scope,
          owner: owner(item),
          name: item.name,
          item: JSON.parse(JSON.stringify(current)) as KeyValuePair,
          expire_timestamp: current.expire_timestamp ?? null,
          expire_date: current.expire_timestamp ? new Date(current.expire_timestamp) : null,
        };
        if (!before) {
          try {
            await this.#model.create({ _id: id, ...doc });
            return { current };
          } catch (e) {
            if (isDuplicateKey(e)) continue;
            throw e;
          }
        }
        const r = await this.#model
          .replaceOne({ _id: id, 'item.id': before.item.id, 'item.updated_at': before.item.updated_at }, doc)
          .exec();
        if (r.matchedCount === 1) return previous ? { previous, current } : { current };
      }
    });
  }

  async delete(ref: KeyValueRef): Promise<KeyValuePair | undefined> {
    const doc = await guard(`deleting datastore item ${ref.name}`, () =>
      this.#model
        .findOneAndDelete({ _id: docId(ref) })
        .lean<KvDoc>()
        .exec(),
    );
    if (!doc) return undefined;
    const ts = new Date().toISOString();
    return doc.expire_timestamp === null || doc.expire_timestamp > ts ? doc.item : undefined;
  }

  async purgeExpired(now = new Date()): Promise<number> {
    const r = await guard('removing expired datastore items', () =>
      this.#model.deleteMany({ expire_timestamp: { $ne: null, $lte: now.toISOString() } }).exec(),
    );
    return r.deletedCount;
  }
}

function owner(ref: { scope: string; user?: string | undefined }): string {
  return ref.scope === 'st2kv.user' ? (ref.user ?? '') : '';
}

function docId(ref: { scope: string; name: string; user?: string | undefined }): string {
  // NUL cannot appear in a scope or a user name, so the three parts never run together.
  return `${ref.scope}\u0000${owner(ref)}\u0000${ref.name}`;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
