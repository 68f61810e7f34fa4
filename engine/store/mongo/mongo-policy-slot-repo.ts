import type { PolicySlot, PolicySlotRepo } from '../policy-slot-repo.js';
import { guard, isDuplicateKey } from './mongo-errors.js';
import type { MongoModel } from './mongo-models.js';
import { raw } from './mongo-types.js';

type PolicySlotDoc = PolicySlot & { _id: string };

/**
 * Concurrency slots in `policy_slots`: slot n of a key is the document `<key>#<n>`, so taking it is
 * an insert that the unique `_id` lets only one holder win, in any process.
 */
export class MongoPolicySlotRepo implements PolicySlotRepo {
  readonly #model: MongoModel;

  constructor(model: MongoModel) {
    this.#model = model;
  }

  async take(key: string, limit: number, holder: string): Promise<boolean> {
    return guard(`taking a concurrency slot of ${key}`, async () => {
      const slots = await this.#model.find({ key }, { slot: 1, holder: 1 }).lean<PolicySlotDoc[]>().exec();
      if (slots.some((s) => s.holder === holder)) return true;
      const taken = new Set(slots.map((s) => s.slot));
      for (let slot = 0; slot < limit; slot++) {
        if (taken.has(slot)) continue;
        try {
          await raw<PolicySlotDoc>(this.#model).insertOne({
            _id: `${key}#${slot}`,
            key,
            slot,
            holder,
            taken_at: new Date().toISOString(),
          });
          return true;
        } catch (e) {
          // Another scheduler took this slot since the read: try the next one.
          if (!isDuplicateKey(e)) throw e;
        }
      }
      return false;
    });
  }

  async release(holder: string): Promise<string[]> {
    return guard(`releasing the concurrency slots of ${holder}`, async () => {
      const held = await this.#model.find({ holder }, { key: 1 }).lean<PolicySlotDoc[]>().exec();
      if (held.length === 0) return [];
      // Deleted by _id and holder: a slot freed and retaken meanwhile stays with its new holder.
      await this.#model.deleteMany({ _id: { $in: held.map((s) => s._id) }, holder }).exec();
      return held.map((s) => s.key);
    });
  }

  async list(key: string): Promise<PolicySlot[]> {
    const docs = await guard(`reading the concurrency slots of ${key}`, () =>
      this.#model.find({ key }).sort({ slot: 1 }).lean<PolicySlotDoc[]>().exec(),
    );
    return docs.map(({ _id, ...slot }) => slot);
  }
}
