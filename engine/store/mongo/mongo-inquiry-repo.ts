import type { Inquiry, InquiryChat } from '../../model/inquiry.js';
import type { InquiryEnd, InquiryFilter, InquiryRepo } from '../inquiry-repo.js';
import type { Page } from '../page.js';
import type { PurgeRequest } from '../purge.js';
import { guard, isDuplicateKey } from './mongo-errors.js';
import { type MongoModel, purgeDocs } from './mongo-models.js';
import { fromDoc, raw } from './mongo-types.js';

type InquiryDoc = Omit<Inquiry, 'id'> & { _id: string };

const toInquiry = (d: InquiryDoc): Inquiry => fromDoc('id', d);

/** Inquiries in `inquiries`, one document each, keyed by the ask execution's id. */
export class MongoInquiryRepo implements InquiryRepo {
  readonly #model: MongoModel;

  constructor(model: MongoModel) {
    this.#model = model;
  }

  async create(i: Inquiry): Promise<boolean> {
    const { id, ...rest } = i;
    return guard(`storing inquiry ${id}`, async () => {
      try {
        await raw<InquiryDoc>(this.#model).insertOne({ _id: id, ...rest });
        return true;
      } catch (e) {
        if (isDuplicateKey(e)) return false;
        throw e;
      }
    });
  }

  async get(id: string): Promise<Inquiry | undefined> {
    const doc = await guard(`reading inquiry ${id}`, () => this.#model.findById(id).lean<InquiryDoc>().exec());
    return doc ? toInquiry(doc) : undefined;
  }

  async list(filter: InquiryFilter): Promise<Page<Inquiry>> {
    const q: Record<string, unknown> = filter.status === undefined ? {} : { status: filter.status };
    const m = this.#model;
    const [docs, total] = await guard('listing inquiries', () => {
      let find = m.find(q).sort({ created_at: -1, _id: -1 });
      if (filter.offset) find = find.skip(filter.offset);
      find = find.limit(filter.limit ?? 100);
      const items = filter.limit === 0 ? Promise.resolve([]) : find.lean<InquiryDoc[]>().exec();
      return Promise.all([items, m.countDocuments(q).exec()]);
    });
    return { items: docs.map(toInquiry), total };
  }

  async end(id: string, end: InquiryEnd): Promise<Inquiry | undefined> {
    const doc = await guard(`ending inquiry ${id}`, () =>
      this.#model
        .findOneAndUpdate({ _id: id, status: 'pending' }, { $set: end }, { new: true })
        .lean<InquiryDoc>()
        .exec(),
    );
    return doc ? toInquiry(doc) : undefined;
  }

  async setChat(id: string, chat: InquiryChat): Promise<void> {
    await guard(`storing inquiry ${id}`, () => this.#model.updateOne({ _id: id }, { $set: { chat } }).exec());
  }

  async expired(at: string, limit: number): Promise<Inquiry[]> {
    const docs = await guard('listing expired inquiries', () =>
      this.#model
        .find({ status: 'pending', expires_at: { $lt: at } })
        .sort({ expires_at: 1 })
        .limit(limit)
        .lean<InquiryDoc[]>()
        .exec(),
    );
    return docs.map(toInquiry);
  }

  async purge(req: PurgeRequest): Promise<number> {
    return purgeDocs(
      this.#model,
      'purging inquiries',
      { status: { $in: ['responded', 'timeout', 'canceled'] }, created_at: { $lt: req.before } },
      req,
    );
  }
}
