import type { User } from '../../model/auth.js';
import type { UserRepo } from '../user-repo.js';
import { guard } from './mongo-errors.js';
import type { MongoModel } from './mongo-models.js';
import { defined, fromDoc, raw, type UserDoc } from './mongo-types.js';

const toUser = (d: UserDoc): User => fromDoc('name', d);

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
