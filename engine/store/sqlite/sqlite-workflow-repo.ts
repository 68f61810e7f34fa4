import type { JsonValue } from '../../model/json.js';
import type { WorkflowRecord, WorkflowRepo, WorkflowWrite } from '../workflow-repo.js';
import type { SqliteConnection } from './sqlite-connection.js';
import { guard } from './sqlite-errors.js';

interface Row {
  id: string;
  rev: number;
  active: number;
  updated_at: string;
  doc: string;
}

interface Doc {
  definition: JsonValue;
  state: WorkflowRecord['state'];
  pending: WorkflowRecord['pending'];
  applied: string[];
}

/** Workflow state, one row per workflow execution; the document is JSON, `rev` the compare-and-set. */
export class SqliteWorkflowRepo implements WorkflowRepo {
  readonly #conn: SqliteConnection;
  /** Definitions by workflow id, read once: the write path then never parses the document. */
  readonly #definitions = new Map<string, JsonValue>();

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async create(rec: Parameters<WorkflowRepo['create']>[0]): Promise<boolean> {
    const doc: Doc = { definition: rec.definition, state: rec.state, pending: rec.pending, applied: rec.applied };
    const changes = await this.#conn.write(
      `storing workflow ${rec.id}`,
      () =>
        this.#conn
          .prepare(
            'INSERT INTO workflows (id, rev, active, updated_at, doc) VALUES (?, 1, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
          )
          .run(rec.id, rec.active ? 1 : 0, new Date().toISOString(), JSON.stringify(doc)).changes,
    );
    return changes > 0;
  }

  async get(id: string): Promise<WorkflowRecord | undefined> {
    const row = guard(`reading workflow ${id}`, () =>
      this.#conn.prepare<Row>('SELECT id, rev, active, updated_at, doc FROM workflows WHERE id = ?').get(id),
    );
    if (row === undefined) return undefined;
    const rec = fromRow(row);
    this.#definitions.set(id, rec.definition);
    return rec;
  }

  async update(id: string, rev: number, next: WorkflowWrite): Promise<WorkflowRecord | undefined> {
    // A workflow's definition never changes, so a write needs no read of the (large) document: the
    // revision check is the UPDATE's own WHERE.
    if (!this.#definitions.has(id) && (await this.get(id)) === undefined) return undefined;
    const definition = this.#definitions.get(id) as JsonValue;
    const doc: Doc = { definition, state: next.state, pending: next.pending, applied: next.applied };
    const updatedAt = new Date().toISOString();
    const changes = await this.#conn.write(
      `storing workflow ${id}`,
      () =>
        this.#conn
          .prepare('UPDATE workflows SET rev = rev + 1, active = ?, updated_at = ?, doc = ? WHERE id = ? AND rev = ?')
          .run(next.active ? 1 : 0, updatedAt, JSON.stringify(doc), id, rev).changes,
    );
    if (changes === 0) return undefined;
    // Finished workflows are not written again: their definition leaves the cache.
    if (!next.active) this.#definitions.delete(id);
    return {
      id,
      rev: rev + 1,
      updated_at: updatedAt,
      definition,
      state: next.state,
      active: next.active,
      pending: next.pending,
      applied: next.applied,
    };
  }

  async listActive(limit: number): Promise<string[]> {
    return guard('listing active workflows', () =>
      this.#conn
        .prepareValue<string>('SELECT id FROM workflows WHERE active = 1 ORDER BY updated_at, id LIMIT ?')
        .all(limit),
    );
  }
}

function fromRow(row: Row): WorkflowRecord {
  const doc = JSON.parse(row.doc) as Doc;
  return { id: row.id, rev: row.rev, active: row.active === 1, updated_at: row.updated_at, ...doc };
}
