import type { RuleEnforcement } from '../model/rule.js';
import type { Page } from './page.js';
import type { PurgeRequest } from './purge.js';

/** StackStorm's filters on `/api/v1/ruleenforcements`. */
export interface RuleEnforcementFilter {
  ruleRef?: string;
  ruleId?: string;
  execution?: string;
  triggerInstance?: string;
  /** enforced_at strictly after / before (ISO). */
  enforcedAfter?: string;
  enforcedBefore?: string;
  limit?: number;
  offset?: number;
  /** By enforced_at, then id. @default 'desc' */
  order?: 'asc' | 'desc';
}

/** Rule enforcements: which rule acted on which trigger instance, and how it went. */
export interface RuleEnforcementRepo {
  /** Stores one. Fails with SQ_CONFLICT when the id exists (the rules engine derives ids, so a retry conflicts). */
  create(e: RuleEnforcement): Promise<RuleEnforcement>;
  get(id: string): Promise<RuleEnforcement | undefined>;
  list(filter: RuleEnforcementFilter): Promise<Page<RuleEnforcement>>;
  /** Garbage collection: deletes enforcements made before `before`. */
  purge(req: PurgeRequest): Promise<number>;
}
