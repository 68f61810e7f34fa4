import { isId } from '../../ids.js';
import type { CatalogRepo } from '../catalog-repo.js';
import type { Page } from '../page.js';
import type { SqliteConnection } from './sqlite-connection.js';
import { guard } from './sqlite-errors.js';

/** Where a catalog table finds an item's pack and name (a pack is its own pack). */
export interface CatalogShape<T> {
  table: 'packs' | 'actions' | 'aliases' | 'rules' | 'trigger_types' | 'sensor_types' | 'policies';
  /** Singular noun for error messages. */
  noun: string;
  pack(item: T): string;
}

/** Packs, actions and aliases: one table each, keyed by id, unique by ref, sorted by pack then name. */
export class SqliteCatalogRepo<T extends { id: string; ref: string; name: string }> implements CatalogRepo<T> {
  readonly #conn: SqliteConnection;
  readonly #shape: CatalogShape<T>;
  readonly #sql: Readonly<Record<'upsert' | 'byId' | 'byRef' | 'delById' | 'delByRef', string>>;

  constructor(conn: SqliteConnection, shape: CatalogShape<T>) {
    this.#conn = conn;
    this.#shape = shape;
    const t = shape.table;
    this.#sql = {
      // On a ref that exists the stored id wins, and the document is rewritten to carry it.
      upsert: `INSERT INTO ${t} (id, ref, pack, name, doc) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (ref) DO UPDATE SET pack = excluded.pack, name = excluded.name,
          doc = json_set(excluded.doc, '$.id', ${t}.id)
        RETURNING id`,
      byId: `SELECT doc FROM ${t} WHERE id = ?`,
      byRef: `SELECT doc FROM ${t} WHERE ref = ?`,
      delById: `DELETE FROM ${t} WHERE id = ?`,
      delByRef: `DELETE FROM ${t} WHERE ref = ?`,
    };
  }

  async upsert(item: T): Promise<T> {
    const s = this.#shape;
    const id = await this.#conn.write(`saving ${s.noun} ${item.ref}`, () =>
      this.#conn
        .prepareValue<string>(this.#sql.upsert)
        .get(item.id, item.ref, s.pack(item), item.name, JSON.stringify(item)),
    );
    return id === undefined || id === item.id ? item : { ...item, id };
  }

  async get(refOrId: string): Promise<T | undefined> {
    const sql = isId(refOrId) ? this.#sql.byId : this.#sql.byRef;
    const doc = guard(`reading ${this.#shape.noun} ${refOrId}`, () =>
      this.#conn.prepareValue<string>(sql).get(refOrId),
    );
    return doc === undefined ? undefined : (JSON.parse(doc) as T);
  }

  async list(filter: { pack?: string; name?: string; limit?: number; offset?: number } = {}): Promise<Page<T>> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.pack !== undefined) {
      where.push('pack = ?');
      args.push(filter.pack);
    }
    if (filter.name !== undefined) {
      where.push('name = ?');
      args.push(filter.name);
    }
    const t = this.#shape.table;
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const conn = this.#conn;
    const read = conn.db.transaction(() => ({
      total: conn.prepareValue<number>(`SELECT COUNT(*) FROM ${t} ${whereSql}`).get(...args) ?? 0,
      docs: conn
        .prepareValue<string>(`SELECT doc FROM ${t} ${whereSql} ORDER BY pack, name, ref LIMIT ? OFFSET ?`)
        .all(...args, filter.limit ?? -1, filter.offset ?? 0),
    }));
    const { total, docs } = guard(`listing ${t}`, () => read());
    return { items: docs.map((d) => JSON.parse(d) as T), total };
  }

  async delete(refOrId: string): Promise<boolean> {
    const sql = isId(refOrId) ? this.#sql.delById : this.#sql.delByRef;
    const r = await this.#conn.write(`deleting ${this.#shape.noun} ${refOrId}`, () =>
      this.#conn.prepare(sql).run(refOrId),
    );
    return r.changes > 0;
  }

  async deleteMissing(pack: string, keep: string[]): Promise<number> {
    const t = this.#shape.table;
    // json_each keeps this one statement whatever the length of `keep`.
    const r = await this.#conn.write(`pruning ${t} of pack ${pack}`, () =>
      this.#conn
        .prepare(`DELETE FROM ${t} WHERE pack = ? AND ref NOT IN (SELECT value FROM json_each(?))`)
        .run(pack, JSON.stringify(keep)),
    );
    return r.changes;
  }
}
