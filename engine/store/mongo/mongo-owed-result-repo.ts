import type { OwedResult, OwedResultRepo } from '../owed-result-repo.js';
import { guard, isDuplicateKey } from './mongo-errors.js';
import type { MongoModel } from './mongo-models.js';
import type { OwedResultDoc } from './mongo-types.js';

/** The ledger of chat results owed, one document per execution (its id is `_id`). */
export class MongoOwedResultRepo implements OwedResultRepo {
  readonly #model: MongoModel;

  constructor(model: MongoModel) {
    this.#model = model;
  }

  async owe(executionId: string, route: string): Promise<void> {
    await guard(`recording the result owed for execution ${executionId}`, async () => {
      try {
        await this.#model
          .updateOne(
            { _id: executionId },
            { $setOnInsert: { route, created_at: new Date().toISOString() } },
            { upsert: true },
          )
          .exec();
      } catch (e) {
        // A concurrent owe of the same execution inserted first; the first entry is kept either way.
        if (!isDuplicateKey(e)) throw e;
      }
    });
  }

  async list(): Promise<OwedResult[]> {
    const docs = await guard('reading the results owed', () =>
      this.#model.find({}).sort({ created_at: 1, _id: 1 }).lean<OwedResultDoc[]>().exec(),
    );
    return docs.map((d) => ({ execution_id: d._id, route: d.route, created_at: d.created_at }));
  }

  async settle(executionId: string): Promise<void> {
    await guard(`settling the result owed for execution ${executionId}`, () =>
      this.#model.deleteOne({ _id: executionId }).exec(),
    );
  }
}
