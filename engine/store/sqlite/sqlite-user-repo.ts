import type { User } from '../../model/auth.js';
import type { UserRepo } from '../user-repo.js';
import type { SqliteConnection } from './sqlite-connection.js';
import { parseDoc, stripUndefined } from './sqlite-docs.js';
import { guard } from './sqlite-errors.js';

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
    return parseDoc(
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
      const current = parseDoc<User>(conn.prepareValue<string>('SELECT doc FROM users WHERE name = ?').get(name));
      if (!current) return undefined;
      const next: User = { ...current, ...stripUndefined(patch), name: current.name, created_at: current.created_at };
      conn.prepare('UPDATE users SET doc = ? WHERE name = ?').run(JSON.stringify(next), name);
      return next;
    });
    return conn.write(`updating user ${name}`, () => tx());
  }

  async findByNickname(platform: string, chatUser: string): Promise<User | undefined> {
    // Few users and a rare lookup (results are cached by the auth layer), so a scan is fine.
    return parseDoc(
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
