import type { Token } from '../../model/auth.js';
import type { TokenRepo } from '../token-repo.js';
import { guard } from './mongo-errors.js';
import type { MongoModel } from './mongo-models.js';
import { fromDoc, raw, type TokenDoc } from './mongo-types.js';

const toToken = (d: TokenDoc): Token => fromDoc('token_hash', d);

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
