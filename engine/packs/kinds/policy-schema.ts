import { z } from 'zod';
import { POLICY_TYPES } from '../../model/policy.js';

/** Every key a policy file may have (StackStorm's PolicyAPI); `ref`, `uid` and `id` are recomputed. */
export const POLICY_KEYS = [
  'name',
  'pack',
  'ref',
  'uid',
  'id',
  'description',
  'enabled',
  'resource_ref',
  'policy_type',
  'parameters',
  'metadata_file',
] as const;

/** One policies/*.yaml; its `parameters` are checked against the policy type's own schema in the builder. */
export const PolicyFileSchema = z.object({
  name: z.string().min(1).regex(/^\S+$/, { error: 'must not contain spaces' }),
  pack: z.string().min(1).optional(),
  ref: z.string().optional(),
  uid: z.string().optional(),
  id: z.string().optional(),
  description: z.string().nullish(),
  enabled: z.boolean().optional(),
  resource_ref: z.string().regex(/^[\w-]+\.[\w.-]+$/, { error: 'must be an action ref (pack.action)' }),
  policy_type: z.enum(POLICY_TYPES, { error: `must be one of ${POLICY_TYPES.join(', ')}` }),
  parameters: z.record(z.string(), z.unknown()).nullish(),
});
