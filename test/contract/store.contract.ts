import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from '../../engine/store/store.js';
import { apiKeyRepoContract } from './store/api-key-repo.contract.js';
import { catalogRepoContract } from './store/catalog-repo.contract.js';
import { dedupRepoContract } from './store/dedup-repo.contract.js';
import { eventRepoContract } from './store/event-repo.contract.js';
import { executionRepoContract } from './store/execution-repo.contract.js';
import { inquiryRepoContract } from './store/inquiry-repo.contract.js';
import { kvRepoContract } from './store/kv-repo.contract.js';
import { leaseRepoContract } from './store/lease-repo.contract.js';
import { markRepoContract } from './store/mark-repo.contract.js';
import { outboxRepoContract } from './store/outbox-repo.contract.js';
import { outputRepoContract } from './store/output-repo.contract.js';
import { owedResultRepoContract } from './store/owed-result-repo.contract.js';
import { policyRepoContract } from './store/policy-repo.contract.js';
import { policySlotRepoContract } from './store/policy-slot-repo.contract.js';
import { processRepoContract } from './store/process-repo.contract.js';
import { purgeContract } from './store/purge.contract.js';
import { ruleEnforcementRepoContract } from './store/rule-enforcement-repo.contract.js';
import { ruleRepoContract } from './store/rule-repo.contract.js';
import { sensorRepoContract } from './store/sensor-repo.contract.js';
import { tokenRepoContract } from './store/token-repo.contract.js';
import { triggerInstanceRepoContract } from './store/trigger-instance-repo.contract.js';
import { userRepoContract } from './store/user-repo.contract.js';
import { workflowRepoContract } from './store/workflow-repo.contract.js';

/** One contract per repo (test/contract/store/<repo>.contract.ts); a new repo adds its file here. */
const REPO_CONTRACTS: readonly ((current: () => Store) => void)[] = [
  executionRepoContract,
  outputRepoContract,
  catalogRepoContract,
  userRepoContract,
  apiKeyRepoContract,
  tokenRepoContract,
  eventRepoContract,
  outboxRepoContract,
  owedResultRepoContract,
  dedupRepoContract,
  markRepoContract,
  leaseRepoContract,
  triggerInstanceRepoContract,
  kvRepoContract,
  sensorRepoContract,
  ruleRepoContract,
  ruleEnforcementRepoContract,
  workflowRepoContract,
  policyRepoContract,
  policySlotRepoContract,
  purgeContract,
  processRepoContract,
  inquiryRepoContract,
];

/**
 * The behaviour every Store adapter must show: every repo's contract, each test on a fresh store.
 * `make` returns a fresh, empty, not yet initialised store; the suite calls `init()` and `close()`.
 */
export function storeContract(name: string, make: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await make();
      await store.init();
    });
    afterEach(async () => {
      await store.close();
    });
    for (const contract of REPO_CONTRACTS) contract(() => store);
  });
}
