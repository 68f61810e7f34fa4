import type { ApiKey } from '../../model/auth.js';
import type { JsonObject } from '../../model/json.js';
import type { ApiKeyRepo } from '../api-key-repo.js';
import type { SqliteConnection } from './sqlite-connection.js';
import { parseDoc, stripUndefined } from './sqlite-docs.js';
import { guard } from './sqlite-errors.js';

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
    return parseDoc(
      guard(`reading API key ${id}`, () =>
        this.#conn.prepareValue<string>('SELECT doc FROM api_keys WHERE id = ?').get(id),
      ),
    );
  }

  async getByHash(keyHash: string): Promise<ApiKey | undefined> {
    return parseDoc(
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
      const current = parseDoc<ApiKey>(conn.prepareValue<string>('SELECT doc FROM api_keys WHERE id = ?').get(id));
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
