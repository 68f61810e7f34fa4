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
    return row === undefined ? undefined : fromRow(row);
  }

  async update(id: string, rev: number, next: WorkflowWrite): Promise<WorkflowRecord | undefined> {
    const current = await this.get(id);
    if (current === undefined || current.rev !== rev) return undefined;
    const doc: Doc = {
      definition: current.definition,
      state: next.state,
      pending: next.pending,
      applied: next.applied,
    };
    const row = await this.#conn.write(`storing workflow ${id}`, () =>
      this.#conn
        .prepare<Row>(
          `UPDATE workflows SET rev = rev + 1, active = ?, updated_at = ?, doc = ?
           WHERE id = ? AND rev = ? RETURNING id, rev, active, updated_at, doc`,
        )
        .get(next.active ? 1 : 0, new Date().toISOString(), JSON.stringify(doc), id, rev),
    );
    return row === undefined ? undefined : fromRow(row);
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
