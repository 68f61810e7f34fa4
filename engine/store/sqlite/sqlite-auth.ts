import type { ApiKey, Token, User } from '../../model/auth.js';
import type { JsonObject } from '../../model/json.js';
import type { ApiKeyRepo, TokenRepo, UserRepo } from '../store.js';
import type { SqliteConnection } from './sqlite-connection.js';
import { guard } from './sqlite-errors.js';

function parse<T>(doc: string | undefined): T | undefined {
  return doc === undefined ? undefined : (JSON.parse(doc) as T);
}

export class SqliteUserRepo implements UserRepo {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async create(u: User): Promise<User> {
    await this.#conn.write(`creating user ${u.name}`, () =>
      this.#conn.prepare('INSERT INTO users (name, doc) VALUES (?, ?)').run(u.name, JSON.stringify(u)),
    );
    return u;
  }

  async get(name: string): Promise<User | undefined> {
    return parse(
      guard(`reading user ${name}`, () =>
        this.#conn.prepareValue<string>('SELECT doc FROM users WHERE name = ?').get(name),
      ),
    );
  }

  async list(): Promise<User[]> {
    const docs = guard('listing users', () =>
      this.#conn.prepareValue<string>('SELECT doc FROM users ORDER BY name').all(),
    );
    return docs.map((d) => JSON.parse(d) as User);
  }

  async update(name: string, patch: Partial<Omit<User, 'name' | 'created_at'>>): Promise<User | undefined> {
    const conn = this.#conn;
    // Read-modify-write under the write lock; users change rarely, so the simple form is enough.
    const tx = conn.db.transaction((): User | undefined => {
      const current = parse<User>(conn.prepareValue<string>('SELECT doc FROM users WHERE name = ?').get(name));
      if (!current) return undefined;
      const next: User = { ...current, ...stripUndefined(patch), name: current.name, created_at: current.created_at };
      conn.prepare('UPDATE users SET doc = ? WHERE name = ?').run(JSON.stringify(next), name);
      return next;
    });
    return conn.write(`updating user ${name}`, () => tx());
  }

  async findByNickname(platform: string, chatUser: string): Promise<User | undefined> {
    // Few users and a rare lookup (results are cached by the auth layer), so a scan is fine.
    return parse(
      guard(`finding the user of ${platform} user ${chatUser}`, () =>
        this.#conn
          .prepareValue<string>(
            `SELECT u.doc FROM users u, json_each(u.doc, '$.nicknames') n
             WHERE n.key = ? AND n.value = ? ORDER BY u.name LIMIT 1`,
          )
          .get(platform, chatUser),
      ),
    );
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export class SqliteApiKeyRepo implements ApiKeyRepo {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async create(k: ApiKey): Promise<ApiKey> {
    await this.#conn.write(`creating API key ${k.id}`, () =>
      this.#conn
        .prepare('INSERT INTO api_keys (id, key_hash, user, doc) VALUES (?, ?, ?, ?)')
        .run(k.id, k.key_hash, k.user, JSON.stringify(k)),
    );
    return k;
  }

  async get(id: string): Promise<ApiKey | undefined> {
    return parse(
      guard(`reading API key ${id}`, () =>
        this.#conn.prepareValue<string>('SELECT doc FROM api_keys WHERE id = ?').get(id),
      ),
    );
  }

  async getByHash(keyHash: string): Promise<ApiKey | undefined> {
    return parse(
      guard('reading an API key by hash', () =>
        this.#conn.prepareValue<string>('SELECT doc FROM api_keys WHERE key_hash = ?').get(keyHash),
      ),
    );
  }

  async list(filter: { user?: string } = {}): Promise<ApiKey[]> {
    const docs = guard('listing API keys', () =>
      filter.user === undefined
        ? this.#conn.prepareValue<string>('SELECT doc FROM api_keys ORDER BY id').all()
        : this.#conn.prepareValue<string>('SELECT doc FROM api_keys WHERE user = ? ORDER BY id').all(filter.user),
    );
    return docs.map((d) => JSON.parse(d) as ApiKey);
  }

  async update(id: string, patch: { enabled?: boolean; metadata?: JsonObject }): Promise<ApiKey | undefined> {
    const conn = this.#conn;
    const tx = conn.db.transaction((): ApiKey | undefined => {
      const current = parse<ApiKey>(conn.prepareValue<string>('SELECT doc FROM api_keys WHERE id = ?').get(id));
      if (!current) return undefined;
      const next: ApiKey = { ...current, ...stripUndefined(patch) };
      conn.prepare('UPDATE api_keys SET doc = ? WHERE id = ?').run(JSON.stringify(next), id);
      return next;
    });
    return conn.write(`updating API key ${id}`, () => tx());
  }

  async delete(id: string): Promise<boolean> {
    return (
      (
        await this.#conn.write(`deleting API key ${id}`, () =>
          this.#conn.prepare('DELETE FROM api_keys WHERE id = ?').run(id),
        )
      ).changes > 0
    );
  }
}

export class SqliteTokenRepo implements TokenRepo {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async create(t: Token): Promise<Token> {
    await this.#conn.write('creating a token', () =>
      this.#conn
        .prepare('INSERT INTO tokens (token_hash, user, expiry, doc) VALUES (?, ?, ?, ?)')
        .run(t.token_hash, t.user, t.expiry, JSON.stringify(t)),
    );
    return t;
  }

  async getByHash(tokenHash: string): Promise<Token | undefined> {
    return parse(
      guard('reading a token', () =>
        this.#conn.prepareValue<string>('SELECT doc FROM tokens WHERE token_hash = ?').get(tokenHash),
      ),
    );
  }

  async delete(tokenHash: string): Promise<boolean> {
    return (
      (
        await this.#conn.write('deleting a token', () =>
          this.#conn.prepare('DELETE FROM tokens WHERE token_hash = ?').run(tokenHash),
        )
      ).changes > 0
    );
  }

  async deleteExpired(now: string): Promise<number> {
    const r = await this.#conn.write('deleting expired tokens', () =>
      this.#conn.prepare('DELETE FROM tokens WHERE expiry < ?').run(now),
    );
    return r.changes;
  }
}
