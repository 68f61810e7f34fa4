import type { ProcessInfo, ProcessRepo } from '../process-repo.js';
import { guard } from './mongo-errors.js';
import type { MongoModel } from './mongo-models.js';
import type { ProcessDoc } from './mongo-types.js';

const toInfo = ({ _id, ...rest }: ProcessDoc): ProcessInfo => ({ id: _id, ...rest });

/** Process heartbeats as documents keyed by process id; a beat is one replacing upsert. */
export class MongoProcessRepo implements ProcessRepo {
  readonly #model: MongoModel;

  constructor(model: MongoModel) {
    this.#model = model;
  }

  async beat(p: ProcessInfo): Promise<void> {
    const { id, ...rest } = p;
    await guard(`recording process ${id}`, () =>
      this.#model.replaceOne({ _id: id }, { _id: id, ...rest }, { upsert: true }).exec(),
    );
  }

  async list(opts: { since: string }): Promise<ProcessInfo[]> {
    const docs = await guard('listing processes', () =>
      this.#model
        .find({ heartbeat_at: { $gte: opts.since } })
        .sort({ _id: 1 })
        .lean<ProcessDoc[]>()
        .exec(),
    );
    return docs.map(toInfo);
  }

  async remove(id: string): Promise<boolean> {
    const r = await guard(`removing process ${id}`, () => this.#model.deleteOne({ _id: id }).exec());
    return r.deletedCount === 1;
  }

  async prune(before: string): Promise<number> {
    const r = await guard('pruning processes', () => this.#model.deleteMany({ heartbeat_at: { $lt: before } }).exec());
    return r.deletedCount;
  }
}
