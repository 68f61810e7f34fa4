import type { JsonObject } from '../../model/json.js';
import type { EventRepo, StreamEvent } from '../event-repo.js';
import type { PurgeRequest } from '../purge.js';
import { guard } from './mongo-errors.js';
import { currentSeq, type MongoModel, nextSeq, purgeDocs } from './mongo-models.js';
import { type EventDoc, raw } from './mongo-types.js';

/** The public event stream's memory; ids come from the `events` counter. */
export class MongoEventRepo implements EventRepo {
  readonly #model: MongoModel;
  readonly #counters: MongoModel;

  constructor(model: MongoModel, counters: MongoModel) {
    this.#model = model;
    this.#counters = counters;
  }

  async append(e: { event: string; data: JsonObject }): Promise<StreamEvent> {
    return guard(`appending event ${e.event}`, async () => {
      const id = await nextSeq(this.#counters, 'events');
      const timestamp = new Date().toISOString();
      await raw<EventDoc>(this.#model).insertOne({ _id: id, event: e.event, data: e.data, timestamp });
      return { id, event: e.event, data: e.data, timestamp };
    });
  }

  async since(afterId: number, limit?: number): Promise<StreamEvent[]> {
    const docs = await guard('reading events', () => {
      let find = this.#model.find({ _id: { $gt: afterId } }).sort({ _id: 1 });
      if (limit === 0) return Promise.resolve([]);
      if (limit !== undefined) find = find.limit(limit);
      return find.lean<EventDoc[]>().exec();
    });
    return docs.map((d) => ({ id: d._id, event: d.event, data: d.data, timestamp: d.timestamp }));
  }

  async lastId(): Promise<number> {
    // The counter remembers the highest id handed out, even after prune emptied the collection.
    return guard('reading the last event id', () => currentSeq(this.#counters, 'events'));
  }

  async purge(req: PurgeRequest): Promise<number> {
    return purgeDocs(this.#model, 'purging stream events', { timestamp: { $lt: req.before } }, req);
  }
}
