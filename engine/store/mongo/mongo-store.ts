import { createConnection } from 'mongoose';
import type { Logger } from '../../logger.js';
import type { Action, Pack } from '../../model/action.js';
import type { ActionAlias } from '../../model/alias.js';
import type { Policy } from '../../model/policy.js';
import type { Rule } from '../../model/rule.js';
import type { SensorType } from '../../model/sensor.js';
import type { PackTriggerType } from '../../model/trigger.js';
import type { Store } from '../store.js';
import { MongoApiKeyRepo } from './mongo-api-key-repo.js';
import { MongoCatalogRepo } from './mongo-catalog-repo.js';
import { MongoDedupRepo } from './mongo-dedup-repo.js';
import { mapMongoError } from './mongo-errors.js';
import { MongoEventRepo } from './mongo-event-repo.js';
import { MongoExecutionRepo } from './mongo-execution-repo.js';
import { MongoInquiryRepo } from './mongo-inquiry-repo.js';
import { MongoKvRepo } from './mongo-kv-repo.js';
import { MongoLeaseRepo } from './mongo-lease-repo.js';
import { MongoMarkRepo } from './mongo-mark-repo.js';
import { createModels } from './mongo-models.js';
import { MongoOutboxRepo } from './mongo-outbox-repo.js';
import { MongoOutputRepo } from './mongo-output-repo.js';
import { MongoOwedResultRepo } from './mongo-owed-result-repo.js';
import { MongoPolicySlotRepo } from './mongo-policy-slot-repo.js';
import { MongoProcessRepo } from './mongo-process-repo.js';
import { MongoRuleEnforcementRepo } from './mongo-rule-enforcement-repo.js';
import { MongoTokenRepo } from './mongo-token-repo.js';
import { MongoTriggerInstanceRepo } from './mongo-trigger-instance-repo.js';
import { moveLegacyData } from './mongo-upgrades.js';
import { MongoUserRepo } from './mongo-user-repo.js';
import { MongoWorkflowRepo } from './mongo-workflow-repo.js';

/** How long an operation waits for a reachable server before SQ_STORE_UNAVAILABLE. */
const SERVER_SELECTION_TIMEOUT_MS = 5000;

/**
 * The cluster store: MongoDB through mongoose, on a connection of its own (never mongoose's global
 * one, so that several stores and other libraries cannot interfere). `init()` connects and builds
 * the indexes; documents carry their own shape, so the only migration is moving data that an
 * older version kept elsewhere (mongo-upgrades.ts).
 *
 * @example
 * const store = await createMongoStore({ kind: 'mongo', url: 'mongodb://db/squall' }, { logger });
 * await store.init();
 */
export async function createMongoStore(cfg: { kind: 'mongo'; url: string }, deps: { logger: Logger }): Promise<Store> {
  const log = deps.logger.child({ component: 'store', store: 'mongo' });
  const conn = createConnection();
  const m = createModels(conn);
  return {
    executions: new MongoExecutionRepo(m.executions, { output: m.output, workflows: m.workflows }),
    output: new MongoOutputRepo(m.output, m.counters, m.executions),
    packs: new MongoCatalogRepo<Pack>(m.packs, 'pack', 'ref'),
    actions: new MongoCatalogRepo<Action>(m.actions, 'action', 'pack'),
    aliases: new MongoCatalogRepo<ActionAlias>(m.aliases, 'action alias', 'pack'),
    users: new MongoUserRepo(m.users),
    apiKeys: new MongoApiKeyRepo(m.apiKeys),
    tokens: new MongoTokenRepo(m.tokens),
    events: new MongoEventRepo(m.events, m.counters),
    outbox: new MongoOutboxRepo(m.outbox, m.counters),
    owedResults: new MongoOwedResultRepo(m.owedResults),
    dedup: new MongoDedupRepo(m.dedup),
    marks: new MongoMarkRepo(m.marks),
    leases: new MongoLeaseRepo(m.leases),
    triggerInstances: new MongoTriggerInstanceRepo(m.triggerInstances),
    kv: new MongoKvRepo(m.kv),
    rules: new MongoCatalogRepo<Rule>(m.rules, 'rule', 'pack'),
    triggerTypes: new MongoCatalogRepo<PackTriggerType>(m.triggerTypes, 'trigger type', 'pack'),
    sensors: new MongoCatalogRepo<SensorType>(m.sensors, 'sensor', 'pack'),
    ruleEnforcements: new MongoRuleEnforcementRepo(m.ruleEnforcements),
    workflows: new MongoWorkflowRepo(m.workflows),
    policies: new MongoCatalogRepo<Policy>(m.policies, 'policy', 'pack'),
    policySlots: new MongoPolicySlotRepo(m.policySlots),
    processes: new MongoProcessRepo(m.processes),
    inquiries: new MongoInquiryRepo(m.inquiries),
    async init() {
      try {
        if (conn.readyState !== 1) {
          await conn.openUri(cfg.url, {
            // Fail fast instead of queueing operations while disconnected: callers see
            // SQ_STORE_UNAVAILABLE and the bus redelivers, rather than work piling up in memory.
            bufferCommands: false,
            autoIndex: false,
            autoCreate: true,
            // JSON has no `undefined`; drop such fields as JSON.stringify does instead of storing null.
            ignoreUndefined: true,
            // A timeout given in the URL wins over Squall's default.
            ...(/[?&]serverSelectionTimeoutMS=/i.test(cfg.url)
              ? {}
              : { serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS }),
          });
        }
        await Promise.all(Object.values(m).map((model) => model.createIndexes()));
        await moveLegacyData(conn, m);
      } catch (e) {
        // A server we cannot reach or log in to is an outage, whatever the driver called the error.
        throw mapMongoError(e, 'connecting to MongoDB', 'SQ_STORE_UNAVAILABLE');
      }
      log.info('MongoDB store ready', { db: conn.name });
    },
    async close() {
      await conn.close();
    },
  };
}
