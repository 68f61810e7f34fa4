import type { Token } from '../../model/auth.js';
import type { TokenRepo } from '../token-repo.js';
import type { SqliteConnection } from './sqlite-connection.js';
import { parseDoc } from './sqlite-docs.js';
import { guard } from './sqlite-errors.js';

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
    return parseDoc(
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
