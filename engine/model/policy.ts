import type { JsonObject } from './json.js';

/** The policy types Squall enforces (StackStorm's names; `/api/v1/policytypes` describes them). */
export const POLICY_TYPES = ['action.concurrency', 'action.concurrency.attr', 'action.retry'] as const;
export type PolicyType = (typeof POLICY_TYPES)[number];

/**
 * A policy from a pack's `policies/*.yaml` (StackStorm's PolicyAPI): what to enforce (`policy_type`
 * with its `parameters`) on which action (`resource_ref`).
 */
export interface Policy {
  id: string;
  /** `policy:<pack>:<name>`. */
  uid: string;
  /** `<pack>.<name>`. */
  ref: string;
  pack: string;
  name: string;
  description: string;
  enabled: boolean;
  /** The action's ref. */
  resource_ref: string;
  policy_type: PolicyType;
  parameters: JsonObject;
  metadata_file?: string;
}
