import { actionKind } from './kinds/action-kind.js';
import { aliasKind } from './kinds/alias-kind.js';
import { policyKind } from './kinds/policy-kind.js';
import { ruleKind } from './kinds/rule-kind.js';
import { sensorKind } from './kinds/sensor-kind.js';
import { triggerKind } from './kinds/trigger-kind.js';

/**
 * The pack-kind table: every kind of content a pack folder holds besides pack.yaml, in the order the
 * loader reads and the registrar stores them. Rules, sensors, triggers, policies and workflows each
 * add a row (a kind file in kinds/ with its schema, a field in PackContents, a repo on the Store).
 */
export const PACK_KINDS = [actionKind, aliasKind, triggerKind, ruleKind, sensorKind, policyKind] as const;
