import { isId } from '../../ids.js';
import type { CatalogRepo } from '../catalog-repo.js';
import type { Page } from '../page.js';
import { guard, isDuplicateKey } from './mongo-errors.js';
import type { MongoModel } from './mongo-models.js';
import { fromDoc, raw } from './mongo-types.js';

type Doc<T extends { id: string }> = Omit<T, 'id'> & { _id: string };

/** Packs, actions and aliases: `_id` is the item's id, `ref` has a unique index. */
export class MongoCatalogRepo<T extends { id: string; ref: string; name: string }> implements CatalogRepo<T> {
  readonly #model: MongoModel;
  readonly #noun: string;
  /** The field that names an item's pack: `pack`, or `ref` for packs themselves. */
  readonly #packField: 'pack' | 'ref';

  constructor(model: MongoModel, noun: string, packField: 'pack' | 'ref') {
    this.#model = model;
    this.#noun = noun;
    this.#packField = packField;
  }

  async upsert(item: T): Promise<T> {
    const { id, ...rest } = item;
    const m = this.#model;
    return guard(`saving ${this.#noun} ${item.ref}`, async () => {
      // Two tries: if another writer inserts the same new ref between our read and our write, the
      // unique index on ref rejects ours and the second try finds theirs and keeps its id.
      for (let attempt = 0; ; attempt++) {
        const existing = await m.findOne({ ref: item.ref }, { _id: 1 }).lean<{ _id: string }>().exec();
        const keptId = existing?._id ?? id;
        try {
          // A full replacement, so that fields dropped from the pack's YAML disappear here too.
          await raw<Doc<T>>(m).replaceOne(
            { _id: keptId } as Pick<Doc<T>, '_id'>,
            rest as unknown as Omit<Doc<T>, '_id'>,
            { upsert: true },
          );
          return keptId === id ? item : { ...item, id: keptId };
        } catch (e) {
          if (attempt > 0 || !isDuplicateKey(e)) throw e;
        }
      }
    });
  }

  async get(refOrId: string): Promise<T | undefined> {
    const filter = isId(refOrId) ? { _id: refOrId } : { ref: refOrId };
    const doc = await guard(`reading ${this.#noun} ${refOrId}`, () =>
      this.#model.findOne(filter).lean<Doc<T>>().exec(),
    );
    return doc ? (fromDoc('id', doc) as unknown as T) : undefined;
  }

  async list(filter: { pack?: string; name?: string; limit?: number; offset?: number } = {}): Promise<Page<T>> {
    const q: Record<string, unknown> = {};
    if (filter.pack !== undefined) q[this.#packField] = filter.pack;
    if (filter.name !== undefined) q.name = filter.name;
    const m = this.#model;
    const [docs, total] = await guard(`listing ${this.#noun}s`, () => {
      let find = m.find(q).sort({ [this.#packField]: 1, name: 1, ref: 1 });
      if (filter.offset) find = find.skip(filter.offset);
      if (filter.limit !== undefined) find = find.limit(filter.limit);
      // MongoDB reads limit(0) as "no limit"; Squall's limit 0 means no items, as on SQLite.
      const items = filter.limit === 0 ? Promise.resolve([]) : find.lean<Doc<T>[]>().exec();
      return Promise.all([items, m.countDocuments(q).exec()]);
    });
    return { items: docs.map((d) => fromDoc('id', d) as unknown as T), total };
  }

  async delete(refOrId: string): Promise<boolean> {
    const filter = isId(refOrId) ? { _id: refOrId } : { ref: refOrId };
    const r = await guard(`deleting ${this.#noun} ${refOrId}`, () => this.#model.deleteOne(filter).exec());
    return r.deletedCount > 0;
  }

  async deleteMissing(pack: string, keep: string[]): Promise<number> {
    const r = await guard(`pruning ${this.#noun}s of pack ${pack}`, () =>
      this.#model.deleteMany({ [this.#packField]: pack, ref: { $nin: keep } }).exec(),
    );
    return r.deletedCount;
  }
}
