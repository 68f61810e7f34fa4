import { newId } from '../../ids.js';
import type { KeyValueInput, KeyValuePair, KeyValueRef } from '../../model/key-value.js';
import type { KvListQuery, KvPutResult, KvRepo } from '../kv-repo.js';
import type { Page } from '../page.js';
import type { SqliteConnection } from './sqlite-connection.js';
import { guard } from './sqlite-errors.js';

const LIVE = '(expire_timestamp IS NULL OR expire_timestamp > ?)';

/** Datastore items in `kv_pairs`: the item as a JSON document keyed by (scope, owner, name). */
export class SqliteKvRepo implements KvRepo {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async get(ref: KeyValueRef): Promise<KeyValuePair | undefined> {
    const doc = guard(`reading datastore item ${ref.name}`, () =>
      this.#conn
        .prepareValue<string>(`SELECT doc FROM kv_pairs WHERE scope = ? AND owner = ? AND name = ? AND ${LIVE}`)
        .get(ref.scope, owner(ref), ref.name, new Date().toISOString()),
    );
    return doc === undefined ? undefined : (JSON.parse(doc) as KeyValuePair);
  }

  async list(q: KvListQuery): Promise<Page<KeyValuePair>> {
    const where = [LIVE];
    const args: unknown[] = [new Date().toISOString()];
    if (q.scope) {
      where.push('scope = ?');
      args.push(q.scope);
    }
    if (q.user !== undefined) {
      where.push("(scope = 'st2kv.system' OR owner = ?)");
      args.push(q.user);
    }
    if (q.prefix) {
      // The range narrows by index; substr over SQLite's own character count makes it exact.
      where.push('name >= ? AND substr(name, 1, length(?)) = ?');
      args.push(q.prefix, q.prefix, q.prefix);
    }
    const clause = where.join(' AND ');
    return guard('listing datastore items', () => {
      const total = this.#conn.prepareValue<number>(`SELECT count(*) FROM kv_pairs WHERE ${clause}`).get(...args) ?? 0;
      const docs = this.#conn
        .prepareValue<string>(`SELECT doc FROM kv_pairs WHERE ${clause} ORDER BY scope, owner, name LIMIT ? OFFSET ?`)
        .all(...args, q.limit, q.offset);
      return { total, items: docs.map((d) => JSON.parse(d) as KeyValuePair) };
    });
  }

  async put(item: KeyValueInput): Promise<KvPutResult> {
    const ts = new Date().toISOString();
    return this.#conn.write(`writing datastore item ${item.name}`, () => {
      const before = this.#conn
        .prepareValue<string>('SELECT doc FROM kv_pairs WHERE scope = ? AND owner = ? AND name = ?')
        .get(item.scope, owner(item), item.name);
      const old = before === undefined ? undefined : (JSON.parse(before) as KeyValuePair);
      const live = old && (old.expire_timestamp === undefined || old.expire_timestamp > ts) ? old : undefined;
      const current: KeyValuePair = {
        ...withoutUser(item),
        ...(item.scope === 'st2kv.user' && item.user !== undefined ? { user: item.user } : {}),
        id: live?.id ?? newId(),
        created_at: live?.created_at ?? ts,
        updated_at: ts,
      };
      this.#conn
        .prepare(
          `INSERT INTO kv_pairs (scope, owner, name, id, doc, expire_timestamp) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (scope, owner, name) DO UPDATE SET
             id = excluded.id, doc = excluded.doc, expire_timestamp = excluded.expire_timestamp`,
        )
        .run(
          current.scope,
          owner(current),
          current.name,
          current.id,
          JSON.stringify(current),
          current.expire_timestamp ?? null,
        );
      return live ? { previous: live, current } : { current };
    });
  }

  async delete(ref: KeyValueRef): Promise<KeyValuePair | undefined> {
    const ts = new Date().toISOString();
    const doc = await this.#conn.write(`deleting datastore item ${ref.name}`, () =>
      this.#conn
        .prepareValue<string>('DELETE FROM kv_pairs WHERE scope = ? AND owner = ? AND name = ? RETURNING doc')
        .get(ref.scope, owner(ref), ref.name),
    );
    if (doc === undefined) return undefined;
    const item = JSON.parse(doc) as KeyValuePair;
    return item.expire_timestamp === undefined || item.expire_timestamp > ts ? item : undefined;
  }

  async purgeExpired(now = new Date()): Promise<number> {
    const r = await this.#conn.write('removing expired datastore items', () =>
      this.#conn
        .prepare('DELETE FROM kv_pairs WHERE expire_timestamp IS NOT NULL AND expire_timestamp <= ?')
        .run(now.toISOString()),
    );
    return r.changes;
  }
}

function owner(ref: { scope: string; user?: string | undefined }): string {
  return ref.scope === 'st2kv.user' ? (ref.user ?? '') : '';
}

function withoutUser(item: KeyValueInput): Omit<KeyValueInput, 'user'> {
  const { user: _user, ...rest } = item;
  return rest;
}
