import type { SqliteDatabase } from './sqlite-types.js';

/** One schema step. Versions only ever grow; an applied step is never edited, only followed by a new one. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

// Entities are stored as one JSON document (`doc`) plus the columns Squall filters or sorts on,
// so adding a model field needs no migration; adding a filter does.
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'executions and output',
    sql: `
      CREATE TABLE executions (
        id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        action_ref TEXT NOT NULL,
        user TEXT,
        parent TEXT,
        start_timestamp TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        heartbeat_at TEXT,
        doc TEXT NOT NULL
      );
      CREATE INDEX executions_start ON executions (start_timestamp, id);
      CREATE INDEX executions_status ON executions (status, updated_at);
      CREATE INDEX executions_action ON executions (action_ref, start_timestamp);
      CREATE INDEX executions_user ON executions (user, start_timestamp);
      CREATE INDEX executions_parent ON executions (parent);
      CREATE TABLE output (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        execution_id TEXT NOT NULL,
        stream TEXT NOT NULL,
        data TEXT NOT NULL,
        timestamp TEXT NOT NULL
      );
      CREATE INDEX output_execution ON output (execution_id, seq);
    `,
  },
  {
    version: 2,
    name: 'catalog: packs, actions, aliases',
    sql: ['packs', 'actions', 'aliases']
      .map(
        (t) => `
      CREATE TABLE ${t} (
        id TEXT PRIMARY KEY,
        ref TEXT NOT NULL UNIQUE,
        pack TEXT NOT NULL,
        name TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX ${t}_pack ON ${t} (pack, name);`,
      )
      .join('\n'),
  },
  {
    version: 3,
    name: 'users, api keys, tokens',
    sql: `
      CREATE TABLE users (name TEXT PRIMARY KEY, doc TEXT NOT NULL);
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        key_hash TEXT NOT NULL UNIQUE,
        user TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX api_keys_user ON api_keys (user);
      CREATE TABLE tokens (
        token_hash TEXT PRIMARY KEY,
        user TEXT NOT NULL,
        expiry TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX tokens_expiry ON tokens (expiry);
    `,
  },
  {
    version: 4,
    name: 'events, outbox, dedup, kv',
    sql: `
      CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        event TEXT NOT NULL,
        data TEXT NOT NULL,
        timestamp TEXT NOT NULL
      );
      CREATE INDEX events_timestamp ON events (timestamp);
      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        queue TEXT NOT NULL,
        payload TEXT NOT NULL,
        due_at TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX outbox_queue ON outbox (queue, seq);
      CREATE TABLE dedup (key TEXT PRIMARY KEY, at TEXT NOT NULL);
      CREATE INDEX dedup_at ON dedup (at);
      CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at TEXT);
    `,
  },
  {
    version: 5,
    name: 'leases',
    sql: 'CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at TEXT NOT NULL);',
  },
  {
    version: 6,
    name: 'owed chat results move out of the outbox',
    // Older versions kept the ledger in the outbox as queue `chat-result`; its entries move over.
    sql: `
      CREATE TABLE owed_results (execution_id TEXT PRIMARY KEY, route TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE INDEX owed_results_created ON owed_results (created_at);
      INSERT OR IGNORE INTO owed_results (execution_id, route, created_at)
        SELECT json_extract(payload, '$.execution_id'), coalesce(json_extract(payload, '$.route'), 'chat'), created_at
        FROM outbox
        WHERE queue = 'chat-result' AND json_extract(payload, '$.execution_id') IS NOT NULL
        ORDER BY seq;
      DELETE FROM outbox WHERE queue = 'chat-result';
    `,
  },
  {
    version: 7,
    name: 'kv becomes marks',
    // Frees the name for StackStorm's datastore, which is a different thing (user-visible keys).
    sql: 'ALTER TABLE kv RENAME TO marks;',
  },
  {
    version: 8,
    name: 'rules engine: trigger instances, rules, rule enforcements, trigger types',
    sql: `
      CREATE TABLE trigger_instances (
        id TEXT PRIMARY KEY,
        trigger TEXT NOT NULL,
        status TEXT NOT NULL,
        occurrence_time TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX trigger_instances_time ON trigger_instances (occurrence_time, id);
      CREATE INDEX trigger_instances_trigger ON trigger_instances (trigger, occurrence_time);
      CREATE INDEX trigger_instances_status ON trigger_instances (status, updated_at);
      CREATE TABLE rule_enforcements (
        id TEXT PRIMARY KEY,
        rule_ref TEXT NOT NULL,
        rule_id TEXT NOT NULL,
        trigger_instance_id TEXT NOT NULL,
        execution_id TEXT,
        enforced_at TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX rule_enforcements_time ON rule_enforcements (enforced_at, id);
      CREATE INDEX rule_enforcements_rule_ref ON rule_enforcements (rule_ref, enforced_at);
      CREATE INDEX rule_enforcements_rule_id ON rule_enforcements (rule_id, enforced_at);
      CREATE INDEX rule_enforcements_instance ON rule_enforcements (trigger_instance_id);
      CREATE INDEX rule_enforcements_execution ON rule_enforcements (execution_id);
    ${['rules', 'trigger_types']
      .map(
        (t) => `
      CREATE TABLE ${t} (
        id TEXT PRIMARY KEY,
        ref TEXT NOT NULL UNIQUE,
        pack TEXT NOT NULL,
        name TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX ${t}_pack ON ${t} (pack, name);`,
      )
      .join('\n')}
    `,
  },
  {
    version: 9,
    name: 'traces: trigger instances by trace tag',
    // Trigger instance documents are new and within Squall's JSON limits, so SQLite's JSON functions read them all.
    sql: "CREATE INDEX trigger_instances_trace ON trigger_instances (json_extract(doc, '$.trace_tag'), occurrence_time);",
  },
  {
    version: 10,
    name: 'datastore (st2kv) items',
    // `owner` is '' for st2kv.system so that (scope, owner, name) can be the key.
    sql: `
      CREATE TABLE kv_pairs (
        scope TEXT NOT NULL,
        owner TEXT NOT NULL,
        name TEXT NOT NULL,
        id TEXT NOT NULL UNIQUE,
        doc TEXT NOT NULL,
        expire_timestamp TEXT,
        PRIMARY KEY (scope, owner, name)
      );
      CREATE INDEX kv_pairs_expiry ON kv_pairs (expire_timestamp) WHERE expire_timestamp IS NOT NULL;
    `,
  },
  {
    version: 11,
    name: 'sensors',
    sql: `
      CREATE TABLE sensor_types (
        id TEXT PRIMARY KEY,
        ref TEXT NOT NULL UNIQUE,
        pack TEXT NOT NULL,
        name TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX sensor_types_pack ON sensor_types (pack, name);
    `,
  },
  {
    version: 13,
    name: 'orquesta workflow state',
    sql: `
      CREATE TABLE workflows (
        id TEXT PRIMARY KEY,
        rev INTEGER NOT NULL,
        active INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX workflows_active ON workflows (updated_at) WHERE active = 1;
    `,
  },
  {
    version: 19,
    name: 'policies, their concurrency slots, and an output index for garbage collection',
    sql: `
      CREATE TABLE policies (
        id TEXT PRIMARY KEY,
        ref TEXT NOT NULL UNIQUE,
        pack TEXT NOT NULL,
        name TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX policies_pack ON policies (pack, name);
      CREATE TABLE policy_slots (
        key TEXT NOT NULL,
        slot INTEGER NOT NULL,
        holder TEXT NOT NULL,
        taken_at TEXT NOT NULL,
        PRIMARY KEY (key, slot)
      );
      CREATE INDEX policy_slots_holder ON policy_slots (holder);
      CREATE INDEX output_timestamp ON output (timestamp);
    `,
  },
  {
    version: 16,
    name: 'process heartbeats',
    sql: `
      CREATE TABLE processes (
        id TEXT PRIMARY KEY,
        heartbeat_at TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX processes_heartbeat ON processes (heartbeat_at);
    `,
  },
  {
    version: 14,
    name: 'inquiries',
    sql: `
      CREATE TABLE inquiries (
        id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT,
        doc TEXT NOT NULL
      );
      CREATE INDEX inquiries_status ON inquiries (status, created_at);
      CREATE INDEX inquiries_expiry ON inquiries (expires_at) WHERE status = 'pending' AND expires_at IS NOT NULL;
    `,
  },
  {
    version: 15,
    name: 'shared document parts; execution and event rows refer to them, events as deltas',
    sql: `
      CREATE TABLE doc_parts (
        hash TEXT PRIMARY KEY,
        doc TEXT NOT NULL
      ) WITHOUT ROWID;
      ALTER TABLE executions ADD COLUMN parts TEXT;
      ALTER TABLE events ADD COLUMN parts TEXT;
      ALTER TABLE events ADD COLUMN base INTEGER;
    `,
  },
  {
    version: 21,
    name: 'execution history indexes in page order',
    // The history view pages newest first by any mix of status, action, user, parent and start time.
    // Each index leads with one filter column and then the page order, so a page reads 50 rows instead
    // of sorting every match; the other filter columns follow, so the count (X-Total-Count) is answered
    // from the index alone instead of reading each matching row.
    sql: `
      CREATE INDEX executions_status_start ON executions (status, start_timestamp, id, action_ref, user, parent);
      CREATE INDEX executions_parent_start ON executions (parent, start_timestamp, id, status, action_ref, user);
      CREATE INDEX executions_action_start ON executions (action_ref, start_timestamp, id, status, user, parent);
      CREATE INDEX executions_user_start ON executions (user, start_timestamp, id, status, action_ref, parent);
      -- Prefixes of the indexes above: every query they served, those serve.
      DROP INDEX executions_parent;
      DROP INDEX executions_action;
      DROP INDEX executions_user;
    `,
  },
  {
    version: 22,
    name: 'outbox items owned by one sender (claim with a lease)',
    // Two bot processes (scale-out, or around a restart) must not both send one message: the sender
    // holding the item's claim sends it; another takes it over only once the claim lapsed.
    sql: `
      ALTER TABLE outbox ADD COLUMN owner TEXT;
      ALTER TABLE outbox ADD COLUMN claimed_until TEXT;
    `,
  },
  {
    version: 25,
    name: 'trigger instance indexes: status only for the instances still owed, time without id',
    // Nearly every instance ends `processed` and stays so: the recovery sweep and the API's owed-status
    // filters look for the others, so only they are indexed (queries name their status as literals so
    // that SQLite sees they fall inside the index; `processed` pages go by the time index). Pages order
    // by (occurrence_time, id): ties on the time are rare and SQLite sorts just those by id.
    sql: `
      DROP INDEX trigger_instances_status;
      CREATE INDEX trigger_instances_status ON trigger_instances (status, updated_at)
        WHERE status = 'pending' OR status = 'processing' OR status = 'processing_failed';
      DROP INDEX trigger_instances_time;
      CREATE INDEX trigger_instances_time ON trigger_instances (occurrence_time);
    `,
  },
  {
    version: 23,
    name: 'stream events stored as segments, one per group commit',
    // One row per commit holds all the events appended in it (deflated when there are enough to pay),
    // instead of a row per event: 64 events deflated together take ~3% of their rows' bytes. Ids come
    // from event_ids (never reused, even once purge emptied the segments), carrying on from the old
    // table's. The old table keeps its rows for reading until purge empties it; it gets no new rows,
    // and its purge scans it in id order, so the timestamp index goes.
    sql: `
      CREATE TABLE event_segments (
        first_id INTEGER PRIMARY KEY,
        last_id INTEGER NOT NULL,
        newest_ms INTEGER NOT NULL,
        codec INTEGER NOT NULL,
        data BLOB NOT NULL
      );
      CREATE TABLE event_ids (
        one INTEGER PRIMARY KEY CHECK (one = 1),
        last INTEGER NOT NULL
      );
      INSERT INTO event_ids (one, last)
        VALUES (1, max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0),
                       coalesce((SELECT max(id) FROM events), 0)));
      DROP INDEX events_timestamp;
    `,
  },
  {
    version: 24,
    name: 'narrow execution indexes',
    // The covering indexes of version 21 repeated each row's id and filter columns four times: a
    // quarter of the bytes an execution added to the file. These lead with one filter column and the
    // page order, as before, so a page still reads its 50 rows in order (ties on the start millisecond
    // are put in id order as they come) and a count over one filter reads one index. `parent` follows,
    // at one byte for a top-level execution, so that "top-level only" with any filter is counted from
    // the index too; a count mixing two of status, action and user reads the rows one of them narrows
    // to. Rows are not rewritten: an older version's row (its whole document as JSON) reads as it is
    // (sqlite-execution-codec.ts) and takes the lean form at its next update.
    sql: `
      DROP INDEX executions_start;
      DROP INDEX executions_status_start;
      DROP INDEX executions_parent_start;
      DROP INDEX executions_action_start;
      DROP INDEX executions_user_start;
      CREATE INDEX executions_start ON executions (start_timestamp, parent);
      CREATE INDEX executions_status_start ON executions (status, start_timestamp, parent);
      CREATE INDEX executions_action_start ON executions (action_ref, start_timestamp, parent);
      CREATE INDEX executions_user_start ON executions (user, start_timestamp, parent);
      CREATE INDEX executions_parent_start ON executions (parent, start_timestamp) WHERE parent IS NOT NULL;
    `,
  },
];

/**
 * Applies every step newer than the recorded ones, each in its own IMMEDIATE transaction so that two
 * processes opening the same file at once cannot both apply it. Returns the versions applied now.
 */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[] = MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const isApplied = db.prepare<number>('SELECT 1 FROM schema_migrations WHERE version = ?').pluck();
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  const step = db.transaction((m: Migration) => {
    // Checked inside the write lock: another process may have applied it while we waited.
    if (isApplied.get(m.version) !== undefined) return;
    db.exec(m.sql);
    record.run(m.version, m.name, new Date().toISOString());
    applied.push(m.version);
  });
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (isApplied.get(m.version) === undefined) step.immediate(m);
  }
  return applied;
}
