import { createHash } from 'node:crypto';
import { SquallError } from '../../errors.js';
import type { JsonObject } from '../../model/json.js';
import type { SqliteConnection } from './sqlite-connection.js';
import { guard } from './sqlite-errors.js';

/** Parts remembered in memory at most (by their JSON text and by hash); they are a few per action. */
const CACHE = 2048;

/** Where parts of a document went: field name → part hash. */
export type PartRefs = Record<string, string>;

/**
 * Content-addressed JSON parts that many documents share, stored once in `doc_parts`: every
 * execution of an action carries the same action and runner descriptions (StackStorm keeps them in
 * each execution), which made them most of the bytes stored per execution. A document is stored
 * with those fields taken out and their hashes in a column beside it; reading puts them back, so
 * what the API returns is unchanged. A part is keyed by the hash of its JSON, so an action that
 * changes later gets a new part and old executions keep the description they ran with.
 */
export class SqliteDocParts {
  readonly #conn: SqliteConnection;
  readonly #hashOf = new Map<string, string>();
  /** Part JSON by hash: parsed on each read, since a document read is the caller's to change. */
  readonly #byHash = new Map<string, string>();
  /**
   * Parts this repo handed out on reads, with their hash: an execution read, patched and written back
   * carries the same part object, and serialising it again on every write was most of the cost of
   * splitting. Parts are descriptions nobody edits in place; a changed description is a new object.
   */
  readonly #handedOut = new WeakMap<object, string>();

  /** Hashes known to be in doc_parts: inserted by a transaction that committed (parts are never deleted). */
  readonly #committed = new Set<string>();
  /** Hashes inserted by the transaction under way. */
  #inserted: string[] = [];

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
    conn.onCommit({
      committed: () => {
        for (const h of this.#inserted) if (this.#committed.size < CACHE) this.#committed.add(h);
        this.#inserted = [];
      },
      rolledBack: () => {
        this.#inserted = [];
      },
    });
  }

  /**
   * The document as stored: `fields` that hold objects are moved to parts. Must run inside a write
   * (conn.write), so that a new part commits with the document that refers to it.
   */
  split(doc: JsonObject, fields: readonly string[]): { rest: JsonObject; refs: PartRefs | undefined } {
    let refs: PartRefs | undefined;
    let rest = doc;
    for (const f of fields) {
      const v = doc[f];
      if (v === null || typeof v !== 'object' || Array.isArray(v)) continue;
      if (rest === doc) rest = { ...doc };
      delete rest[f];
      refs ??= {};
      refs[f] = this.#handedOut.get(v) ?? this.#store(v);
    }
    return { rest, refs };
  }

  /** Puts the parts back into a stored document (a row of an older version has no refs). */
  join<T extends object>(rest: T, refsJson: string | null): T {
    if (refsJson === null) return rest;
    const out = rest as Record<string, unknown>;
    for (const [f, hash] of Object.entries(JSON.parse(refsJson) as PartRefs)) {
      const part = JSON.parse(this.#load(hash)) as object;
      this.#handedOut.set(part, hash);
      out[f] = part;
    }
    return rest;
  }

  #store(v: JsonObject): string {
    const json = JSON.stringify(v);
    let hash = this.#hashOf.get(json);
    if (hash === undefined) {
      hash = createHash('sha256').update(json).digest('base64url').slice(0, 22);
      remember(this.#hashOf, json, hash);
    }
    // Written until a transaction that wrote it has committed, so that a part whose first transaction
    // failed is stored by the next document that needs it; after that the probe is skipped (it was
    // one statement in every execution and event write).
    if (!this.#committed.has(hash)) {
      this.#conn.prepare('INSERT OR IGNORE INTO doc_parts (hash, doc) VALUES (?, ?)').run(hash, json);
      this.#inserted.push(hash);
    }
    if (!this.#byHash.has(hash)) remember(this.#byHash, hash, json);
    return hash;
  }

  #load(hash: string): string {
    let json = this.#byHash.get(hash);
    if (json === undefined) {
      json = guard('reading a stored document part', () =>
        this.#conn.prepareValue<string>('SELECT doc FROM doc_parts WHERE hash = ?').get(hash),
      );
      // A part is never deleted, so a missing one means a damaged file: say which.
      if (json === undefined) {
        throw new SquallError('SQ_STORE_UNAVAILABLE', `stored document part ${hash} is missing from doc_parts`);
      }
      remember(this.#byHash, hash, json);
    }
    return json;
  }
}

function remember<K, V>(map: Map<K, V>, k: K, v: V): void {
  if (map.size >= CACHE) map.delete(map.keys().next().value as K);
  map.set(k, v);
}
