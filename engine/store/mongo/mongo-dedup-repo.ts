import type { DedupRepo } from '../dedup-repo.js';
import { guard, isDuplicateKey } from './mongo-errors.js';
import type { MongoModel } from './mongo-models.js';
import { type DedupDoc, raw } from './mongo-types.js';

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
