import type { JsonValue } from '../../model/json.js';
import type { MarkRepo } from '../mark-repo.js';
import { guard } from './mongo-errors.js';
import type { MongoModel } from './mongo-models.js';
import { type MarkDoc, raw } from './mongo-types.js';

/** Small records with optional expiry; an expired value reads as absent. */
export class MongoMarkRepo implements MarkRepo {
  readonly #model: MongoModel;

  constructor(model: MongoModel) {
    this.#model = model;
  }

  async get(key: string): Promise<JsonValue | undefined> {
    const now = new Date().toISOString();
    const doc = await guard(`reading key ${key}`, () =>
      this.#model
        .findOne({ _id: key, $or: [{ expires_at: null }, { expires_at: { $gt: now } }] })
        .lean<MarkDoc>()
        .exec(),
    );
    return doc ? doc.value : undefined;
  }

  async set(key: string, value: JsonValue, opts: { expiresAt?: string } = {}): Promise<void> {
    const expiresAt = opts.expiresAt ?? null;
    await guard(`writing key ${key}`, () =>
      raw<MarkDoc>(this.#model).replaceOne(
        { _id: key },
        { value, expires_at: expiresAt, expire_date: expiresAt === null ? null : new Date(expiresAt) },
        { upsert: true },
      ),
    );
  }

  async delete(key: string): Promise<boolean> {
    // Expired records are removed too, but only a live value counts as "deleted".
    const doc = await guard(`deleting key ${key}`, () =>
      this.#model.findOneAndDelete({ _id: key }).lean<MarkDoc>().exec(),
    );
    if (!doc) return false;
    return doc.expires_at == null || doc.expires_at > new Date().toISOString();
  }
}
