import type { TriggerInstance, TriggerInstanceStatus } from '../../model/trigger.js';
import type { Page } from '../page.js';
import type { PurgeRequest } from '../purge.js';
import type { TriggerInstanceFilter, TriggerInstanceRepo } from '../trigger-instance-repo.js';
import { guard } from './mongo-errors.js';
import { type MongoModel, purgeDocs } from './mongo-models.js';
import { fromDoc, raw, type TriggerInstanceDoc } from './mongo-types.js';

const toInstance = (d: TriggerInstanceDoc): TriggerInstance => fromDoc('id', d);

/** Trigger instances as documents keyed by id. */
export class MongoTriggerInstanceRepo implements TriggerInstanceRepo {
  readonly #model: MongoModel;

  constructor(model: MongoModel) {
    this.#model = model;
  }

  async create(t: TriggerInstance): Promise<TriggerInstance> {
    const { id, ...rest } = t;
    await guard(`storing trigger instance ${id}`, () =>
      raw<TriggerInstanceDoc>(this.#model).insertOne({ _id: id, ...rest }),
    );
    return t;
  }

  async get(id: string): Promise<TriggerInstance | undefined> {
    const doc = await guard(`reading trigger instance ${id}`, () =>
      this.#model.findById(id).lean<TriggerInstanceDoc>().exec(),
    );
    return doc ? toInstance(doc) : undefined;
  }

  async list(filter: TriggerInstanceFilter): Promise<Page<TriggerInstance>> {
    const q: Record<string, unknown> = {};
    if (filter.trigger !== undefined) q.trigger = filter.trigger;
    if (filter.traceTag !== undefined) q.trace_tag = filter.traceTag;
    if (filter.status !== undefined) {
      q.status = typeof filter.status === 'string' ? filter.status : { $in: filter.status };
    }
    const time: Record<string, string> = {};
    if (filter.occurredAfter !== undefined) time.$gt = filter.occurredAfter;
    if (filter.occurredBefore !== undefined) time.$lt = filter.occurredBefore;
    if (Object.keys(time).length) q.occurrence_time = time;
    if (filter.updatedBefore !== undefined) q.updated_at = { $lt: filter.updatedBefore };
    const dir = filter.order === 'asc' ? 1 : -1;
    const m = this.#model;
    const [docs, total] = await guard('listing trigger instances', () => {
      let find = m.find(q).sort({ occurrence_time: dir, _id: dir });
      if (filter.offset) find = find.skip(filter.offset);
      if (filter.limit !== undefined) find = find.limit(filter.limit);
      // MongoDB reads limit(0) as "no limit"; Squall's limit 0 means no items, as on SQLite.
      const items = filter.limit === 0 ? Promise.resolve([]) : find.lean<TriggerInstanceDoc[]>().exec();
      return Promise.all([items, m.countDocuments(q).exec()]);
    });
    return { items: docs.map(toInstance), total };
  }

  async setStatus(
    id: string,
    expect: readonly TriggerInstanceStatus[],
    status: TriggerInstanceStatus,
  ): Promise<TriggerInstance | undefined> {
    if (expect.length === 0) return undefined;
    // The expected status is in the filter: the check and the write are one atomic document update.
    const doc = await guard(`updating trigger instance ${id}`, () =>
      this.#model
        .findOneAndUpdate(
          { _id: id, status: { $in: [...expect] } },
          { $set: { status, updated_at: new Date().toISOString() } },
          { returnDocument: 'after' },
        )
        .lean<TriggerInstanceDoc>()
        .exec(),
    );
    return doc ? toInstance(doc) : undefined;
  }

  async purge(req: PurgeRequest): Promise<number> {
    return purgeDocs(
      this.#model,
      'purging trigger instances',
      { occurrence_time: { $lt: req.before }, status: { $in: ['processed', 'processing_failed'] } },
      req,
    );
  }
}
