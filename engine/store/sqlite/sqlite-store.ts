import type { Logger } from '../../logger.js';
import type { Action, Pack } from '../../model/action.js';
import type { ActionAlias } from '../../model/alias.js';
import type { Policy } from '../../model/policy.js';
import type { Rule } from '../../model/rule.js';
import type { SensorType } from '../../model/sensor.js';
import type { PackTriggerType } from '../../model/trigger.js';
import type { Store } from '../store.js';
import { SqliteApiKeyRepo } from './sqlite-api-key-repo.js';
import { SqliteCatalogRepo } from './sqlite-catalog-repo.js';
import { SqliteConnection } from './sqlite-connection.js';
import { SqliteDedupRepo } from './sqlite-dedup-repo.js';
import { SqliteDocParts } from './sqlite-doc-parts.js';
import { SqliteEventRepo } from './sqlite-event-repo.js';
import { SqliteExecutionRepo } from './sqlite-execution-repo.js';
import { SqliteInquiryRepo } from './sqlite-inquiry-repo.js';
import { SqliteKvRepo } from './sqlite-kv-repo.js';
import { SqliteLeaseRepo } from './sqlite-lease-repo.js';
import { SqliteMarkRepo } from './sqlite-mark-repo.js';
import { SqliteOutboxRepo } from './sqlite-outbox-repo.js';
import { SqliteOutputRepo } from './sqlite-output-repo.js';
import { SqliteOwedResultRepo } from './sqlite-owed-result-repo.js';
import { SqlitePolicySlotRepo } from './sqlite-policy-slot-repo.js';
import { SqliteProcessRepo } from './sqlite-process-repo.js';
import { SqliteRuleEnforcementRepo } from './sqlite-rule-enforcement-repo.js';
import { SqliteTokenRepo } from './sqlite-token-repo.js';
import { SqliteTriggerInstanceRepo } from './sqlite-trigger-instance-repo.js';
import { SqliteUserRepo } from './sqlite-user-repo.js';
import { SqliteWorkflowRepo } from './sqlite-workflow-repo.js';

/**
 * The embedded store: one SQLite file (or `:memory:`) through better-sqlite3. The file opens at
 * `init()`, which also applies pending migrations; several stores (or processes) may share a file.
 *
 * @example
 * const store = await createSqliteStore({ kind: 'sqlite', path: 'squall.db' }, { logger });
 * await store.init();
 */
export async function createSqliteStore(
  cfg: { kind: 'sqlite'; path: string },
  deps: { logger: Logger },
): Promise<Store> {
  const log = deps.logger.child({ component: 'store', store: 'sqlite' });
  const conn = new SqliteConnection(cfg.path);
  const parts = new SqliteDocParts(conn);
  const executions = new SqliteExecutionRepo(conn, parts);
  return {
    executions,
    output: new SqliteOutputRepo(conn),
    packs: new SqliteCatalogRepo<Pack>(conn, { table: 'packs', noun: 'pack', pack: (p) => p.ref }),
    actions: new SqliteCatalogRepo<Action>(conn, { table: 'actions', noun: 'action', pack: (a) => a.pack }),
    aliases: new SqliteCatalogRepo<ActionAlias>(conn, { table: 'aliases', noun: 'action alias', pack: (a) => a.pack }),
    users: new SqliteUserRepo(conn),
    apiKeys: new SqliteApiKeyRepo(conn),
    tokens: new SqliteTokenRepo(conn),
    events: new SqliteEventRepo(conn, parts),
    outbox: new SqliteOutboxRepo(conn),
    owedResults: new SqliteOwedResultRepo(conn),
    dedup: new SqliteDedupRepo(conn),
    marks: new SqliteMarkRepo(conn),
    leases: new SqliteLeaseRepo(conn),
    triggerInstances: new SqliteTriggerInstanceRepo(conn, executions),
    kv: new SqliteKvRepo(conn),
    rules: new SqliteCatalogRepo<Rule>(conn, { table: 'rules', noun: 'rule', pack: (r) => r.pack }),
    triggerTypes: new SqliteCatalogRepo<PackTriggerType>(conn, {
      table: 'trigger_types',
      noun: 'trigger type',
      pack: (t) => t.pack,
    }),
    ruleEnforcements: new SqliteRuleEnforcementRepo(conn),
    workflows: new SqliteWorkflowRepo(conn),
    processes: new SqliteProcessRepo(conn),
    inquiries: new SqliteInquiryRepo(conn),
    sensors: new SqliteCatalogRepo<SensorType>(conn, { table: 'sensor_types', noun: 'sensor', pack: (t) => t.pack }),
    policies: new SqliteCatalogRepo<Policy>(conn, { table: 'policies', noun: 'policy', pack: (p) => p.pack }),
    policySlots: new SqlitePolicySlotRepo(conn),
    async init() {
      const applied = conn.open();
      if (applied.length > 0) log.info('SQLite schema migrated', { path: cfg.path, versions: applied });
    },
    async close() {
      await conn.close();
    },
  };
}
