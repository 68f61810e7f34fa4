import type { z } from 'zod';
import { buildPolicy } from '../../policies/build-policy.js';
import { definePackKind, type PackKindSpec } from '../pack-kind.js';
import { POLICY_KEYS, PolicyFileSchema } from './policy-schema.js';

type PolicyFile = z.infer<typeof PolicyFileSchema>;

const DOCUMENTED_KEYS = 'name, description, enabled, resource_ref, policy_type, parameters';

const spec: PackKindSpec<'policies', PolicyFile> = {
  key: 'policies',
  folder: 'policies',
  label: 'policy',
  definition: 'a policy definition',
  schema: PolicyFileSchema,
  // A misspelt `parameters` would leave a limit at its default: unknown keys are errors.
  unknownKey: (key) =>
    (POLICY_KEYS as readonly string[]).includes(key)
      ? undefined
      : { field: key, problem: `unknown key (a policy may have: ${DOCUMENTED_KEYS})` },
  build(m, ctx) {
    const { policy, problems } = buildPolicy(m, { pack: ctx.pack, metadataFile: ctx.metadataFile });
    return policy ? { item: policy, problems } : { problems };
  },
  repo: (store) => store.policies,
};

/** policies/*.yaml → Policy, stored in `store.policies`; the scheduler applies them. */
export const policyKind = definePackKind(spec);
