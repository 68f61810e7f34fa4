import type { Logger } from '../logger.js';
import type { Action, Pack } from '../model/action.js';
import type { ActionAlias } from '../model/alias.js';
import type { Policy } from '../model/policy.js';
import type { Rule } from '../model/rule.js';
import type { SensorType } from '../model/sensor.js';
import type { PackTriggerType } from '../model/trigger.js';
import type { ApiKeyRepo } from './api-key-repo.js';
import type { CatalogRepo } from './catalog-repo.js';
import type { DedupRepo } from './dedup-repo.js';
import type { EventRepo } from './event-repo.js';
import type { ExecutionRepo } from './execution-repo.js';
import type { InquiryRepo } from './inquiry-repo.js';
import type { KvRepo } from './kv-repo.js';
import type { LeaseRepo } from './lease-repo.js';
import type { MarkRepo } from './mark-repo.js';
import type { OutboxRepo } from './outbox-repo.js';
import type { OutputRepo } from './output-repo.js';
import type { OwedResultRepo } from './owed-result-repo.js';
import type { PolicySlotRepo } from './policy-slot-repo.js';
import type { ProcessRepo } from './process-repo.js';
import type { RuleEnforcementRepo } from './rule-enforcement-repo.js';
import type { TokenRepo } from './token-repo.js';
import type { TriggerInstanceRepo } from './trigger-instance-repo.js';
import type { UserRepo } from './user-repo.js';
import type { WorkflowRepo } from './workflow-repo.js';

/**
 * The Store is Squall's only door to a database. Each entity has one narrow repository (one file
 * each in this folder); adapters (SQLite embedded, MongoDB for clusters) live in their own folders,
 * one file per repository, and pass one contract suite.
 */
export interface Store {
  readonly executions: ExecutionRepo;
  readonly output: OutputRepo;
  readonly actions: CatalogRepo<Action>;
  readonly packs: CatalogRepo<Pack>;
  readonly aliases: CatalogRepo<ActionAlias>;
  readonly users: UserRepo;
  readonly apiKeys: ApiKeyRepo;
  readonly tokens: TokenRepo;
  readonly events: EventRepo;
  /** Per-channel chat outboxes. */
  readonly outbox: OutboxRepo;
  /** The ledger of chat results owed. */
  readonly owedResults: OwedResultRepo;
  readonly dedup: DedupRepo;
  /** Squall's internal markers (ack refs, posted markers). */
  readonly marks: MarkRepo;
  /** Named expiring leases for single-active roles. */
  readonly leases: LeaseRepo;
  /** Trigger instances: every event, stored before the rules engine sees it. */
  readonly triggerInstances: TriggerInstanceRepo;
  /** StackStorm's datastore (st2kv, `/api/v1/keys`). */
  readonly kv: KvRepo;
  /** Sensors from packs (`sensors/*.yaml`), run by the sensors role. */
  readonly sensors: CatalogRepo<SensorType>;
  /** Rules, from packs' `rules/` and `/api/v1/rules`. */
  readonly rules: CatalogRepo<Rule>;
  /** Trigger types packs declare (`triggers/*.yaml`, a sensor's `triggers:`); the built-ins are not stored. */
  readonly triggerTypes: CatalogRepo<PackTriggerType>;
  /** What each matched rule did with each trigger instance. */
  readonly ruleEnforcements: RuleEnforcementRepo;
  /** Orquesta workflow state, stored after every event. */
  readonly workflows: WorkflowRepo;
  /** Policies from packs' `policies/` (`/api/v1/policies`), applied by the scheduler. */
  readonly policies: CatalogRepo<Policy>;
  /** Taken slots of concurrency policies, global across schedulers. */
  readonly policySlots: PolicySlotRepo;
  /** Heartbeats of the deployment's processes (`squall status`). */
  readonly processes: ProcessRepo;
  /** Questions `core.ask` asks (StackStorm's inquiries), keyed by the ask execution's id. */
  readonly inquiries: InquiryRepo;
  /** Connect and migrate. */
  init(): Promise<void>;
  /** Release the connection; the adapter owns it. */
  close(): Promise<void>;
}

export type StoreConfig = { kind: 'sqlite'; path: string } | { kind: 'mongo'; url: string };

export type StoreFactory = (cfg: StoreConfig, deps: { logger: Logger }) => Promise<Store>;
