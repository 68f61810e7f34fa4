import type { ApiKey } from '../../model/auth.js';
import type { JsonObject } from '../../model/json.js';
import type { ApiKeyRepo } from '../api-key-repo.js';
import { guard } from './mongo-errors.js';
import type { MongoModel } from './mongo-models.js';
import { type ApiKeyDoc, defined, fromDoc, raw } from './mongo-types.js';

const toApiKey = (d: ApiKeyDoc): ApiKey => fromDoc('id', d);

export class MongoApiKeyRepo implements ApiKeyRepo {
  readonly #model: MongoModel;

  constructor(model: MongoModel) {
    this.#model = model;
  }

  async create(k: ApiKey): Promise<ApiKey> {
    const { id, ...rest } = k;
    await guard(`creating API key ${id}`, () => raw<ApiKeyDoc>(this.#model).insertOne({ _id: id, ...rest }));
    return k;
  }

  async get(id: string): Promise<ApiKey | undefined> {
    const doc = await guard(`reading API key ${id}`, () => this.#model.findById(id).lean<ApiKeyDoc>().exec());
    return doc ? toApiKey(doc) : undefined;
  }

  async getByHash(keyHash: string): Promise<ApiKey | undefined> {
    const doc = await guard('reading an API key by hash', () =>
      this.#model.findOne({ key_hash: keyHash }).lean<ApiKeyDoc>().exec(),
    );
    return doc ? toApiKey(doc) : undefined;
  }

  async list(filter: { user?: string } = {}): Promise<ApiKey[]> {
    const q = filter.user === undefined ? {} : { user: filter.user };
    const docs = await guard('listing API keys', () => this.#model.find(q).sort({ _id: 1 }).lean<ApiKeyDoc[]>().exec());
    return docs.map(toApiKey);
  }

  async update(id: string, patch: { enabled?: boolean; metadata?: JsonObject }): Promise<ApiKey | undefined> {
    const $set = defined({ enabled: patch.enabled, metadata: patch.metadata });
    const doc = await guard(`updating API key ${id}`, () =>
      this.#model.findOneAndUpdate({ _id: id }, { $set }, { returnDocument: 'after' }).lean<ApiKeyDoc>().exec(),
    );
    return doc ? toApiKey(doc) : undefined;
  }

  async delete(id: string): Promise<boolean> {
    const r = await guard(`deleting API key ${id}`, () => this.#model.deleteOne({ _id: id }).exec());
    return r.deletedCount > 0;
  }
}
