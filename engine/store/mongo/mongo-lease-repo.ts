import type { Lease, LeaseRepo } from '../lease-repo.js';
import { guard, isDuplicateKey } from './mongo-errors.js';
import type { MongoModel } from './mongo-models.js';
import type { LeaseDoc } from './mongo-types.js';

const until = (ttlMs: number) => new Date(Date.now() + ttlMs).toISOString();

/** Leases as documents keyed by name; each change is one conditional single-document write. */
export class MongoLeaseRepo implements LeaseRepo {
  readonly #model: MongoModel;

  constructor(model: MongoModel) {
    this.#model = model;
  }

  async acquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return guard(`acquiring lease ${name}`, async () => {
      const now = new Date().toISOString();
      try {
        await this.#model
          .updateOne(
            { _id: name, $or: [{ holder }, { expires_at: { $lte: now } }] },
            { $set: { holder, expires_at: until(ttlMs) } },
            { upsert: true },
          )
          .exec();
        return true;
      } catch (e) {
        // The filter missed a live lease of another holder, so the upsert tried to insert a second
        // document with the same _id (or lost an insert race for a new name): the lease is taken.
        if (isDuplicateKey(e)) return false;
        throw e;
      }
    });
  }

  async renew(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = new Date().toISOString();
    const r = await guard(`renewing lease ${name}`, () =>
      this.#model
        .updateOne({ _id: name, holder, expires_at: { $gt: now } }, { $set: { expires_at: until(ttlMs) } })
        .exec(),
    );
    return r.matchedCount === 1;
  }

  async release(name: string, holder: string): Promise<boolean> {
    const r = await guard(`releasing lease ${name}`, () => this.#model.deleteOne({ _id: name, holder }).exec());
    return r.deletedCount === 1;
  }

  async get(name: string): Promise<Lease | undefined> {
    const now = new Date().toISOString();
    const doc = await guard(`reading lease ${name}`, () =>
      this.#model
        .findOne({ _id: name, expires_at: { $gt: now } })
        .lean<LeaseDoc>()
        .exec(),
    );
    return doc ? { name: doc._id, holder: doc.holder, expires_at: doc.expires_at } : undefined;
  }
}
