import Database from 'better-sqlite3';
import { newId } from '../../engine/ids.js';
import type { Action } from '../../engine/model/action.js';
import type { Execution, ExecutionStatus } from '../../engine/model/execution.js';

/** `{"a": {"a": ... {}}}` with `levels` objects: what the audit posted as `context` (1,000 levels). */
export function nestedObject(levels: number): Record<string, unknown> {
  let v: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) v = { a: v };
  return v;
}

/**
 * Writes an execution row straight into a SQLite file, past every check Squall makes, as an older
 * version (which had no limits) or a damaged write could have left it. `doc` overrides fields of the
 * document, so that it can be made unusual (deeply nested, `log: null`, ...).
 */
export function insertRawExecution(
  dbPath: string,
  action: Action,
  status: ExecutionStatus,
  doc: Record<string, unknown> = {},
  at = '2020-01-01T00:00:00.000Z',
): string {
  const id = newId();
  const e: Omit<Execution, 'log'> & { log: unknown } = {
    id,
    action,
    runner_type: action.runner_type,
    parameters: { cmd: 'true' },
    status,
    start_timestamp: at,
    updated_at: at,
    ...(status === 'running' ? { heartbeat_at: at, worker: 'dead-host:1' } : {}),
    context: { user: 'poisoner' },
    log: [{ status, timestamp: at }],
    children: [],
    attempts: 0,
    timeout_s: 60,
  };
  const db = new Database(dbPath, { timeout: 5000 });
  try {
    db.prepare(
      `INSERT INTO executions (id, status, action_ref, user, parent, start_timestamp, updated_at, heartbeat_at, doc)
       VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?)`,
    ).run(
      id,
      status,
      action.ref,
      'poisoner',
      at,
      at,
      status === 'running' ? at : null,
      JSON.stringify({ ...e, ...doc }),
    );
  } finally {
    db.close();
  }
  return id;
}
