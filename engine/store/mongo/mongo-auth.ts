import type { ApiKey, Token, User } from '../../model/auth.js';
import type { JsonObject } from '../../model/json.js';
import type { ApiKeyRepo, TokenRepo, UserRepo } from '../store.js';
import { guard } from './mongo-errors.js';
import type { MongoModel } from './mongo-models.js';
import { type ApiKeyDoc, fromDoc, raw, type TokenDoc, type UserDoc } from './mongo-types.js';

const toUser = (d: UserDoc): User => fromDoc('name', d);
const toApiKey = (d: ApiKeyDoc): ApiKey => fromDoc('id', d);
const toToken = (d: TokenDoc): Token => fromDoc('token_hash', d);

function defined(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

// Platform names become part of a field path (`nicknames.<platform>`); anything else is not a platform.
const PLATFORM = /^[A-Za-z0-9_-]+$/;

export class MongoUserRepo implements UserRepo {
  readonly #model: MongoModel;

  constructor(model: MongoModel) {
    this.#model = model;
  }

  async create(u: User): Promise<User> {
    const { name, ...rest } = u;
    await guard(`creating user ${name}`, () => raw<UserDoc>(this.#model).insertOne({ _id: name, ...rest }));
    return u;
  }

  async get(name: string): Promise<User | undefined> {
    const doc = await guard(`reading user ${name}`, () => this.#model.findById(name).lean<UserDoc>().exec());
    return doc ? toUser(doc) : undefined;
  }

  async list(): Promise<User[]> {
    const docs = await guard('listing users', () => this.#model.find().sort({ _id: 1 }).lean<UserDoc[]>().exec());
    return docs.map(toUser);
  }

  async update(name: string, patch: Partial<Omit<User, 'name' | 'created_at'>>): Promise<User | undefined> {
    const { name: _n, created_at: _c, ...allowed } = patch as Partial<User>;
    const doc = await guard(`updating user ${name}`, () =>
      this.#model
        .findOneAndUpdate({ _id: name }, { $set: defined(allowed) }, { returnDocument: 'after' })
        .lean<UserDoc>()
        .exec(),
    );
    return doc ? toUser(doc) : undefined;
  }

  async findByNickname(platform: string, chatUser: string): Promise<User | undefined> {
    if (!PLATFORM.test(platform)) return undefined;
    const doc = await guard(`finding the user of ${platform} user ${chatUser}`, () =>
      this.#model
        .findOne({ [`nicknames.${platform}`]: chatUser })
        .sort({ _id: 1 })
        .lean<UserDoc>()
        .exec(),
    );
    return doc ? toUser(doc) : undefined;
  }
}

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

export class MongoTokenRepo implements TokenRepo {
  readonly #model: MongoModel;

  constructor(model: MongoModel) {
    this.#model = model;
  }

  async create(t: Token): Promise<Token> {
    const { token_hash, ...rest } = t;
    await guard('creating a token', () => raw<TokenDoc>(this.#model).insertOne({ _id: token_hash, ...rest }));
    return t;
  }

  async getByHash(tokenHash: string): Promise<Token | undefined> {
    const doc = await guard('reading a token', () => this.#model.findById(tokenHash).lean<TokenDoc>().exec());
    return doc ? toToken(doc) : undefined;
  }

  async delete(tokenHash: string): Promise<boolean> {
    const r = await guard('deleting a token', () => this.#model.deleteOne({ _id: tokenHash }).exec());
    return r.deletedCount > 0;
  }

  async deleteExpired(now: string): Promise<number> {
    const r = await guard('deleting expired tokens', () => this.#model.deleteMany({ expiry: { $lt: now } }).exec());
    return r.deletedCount;
  }
}
