import { issueTexts } from '../../lib/zod-issues.js';
import { newId } from '../ids.js';
import type { JsonObject } from '../model/json.js';
import type { Policy, PolicyType } from '../model/policy.js';
import { policyTypeSpec } from './policy-types.js';

/** The fields of a policy file or API body, after the file schema (engine/packs/kinds/policy-schema.ts). */
export interface PolicyFields {
  name: string;
  description?: string | null | undefined;
  enabled?: boolean | undefined;
  resource_ref: string;
  policy_type: PolicyType;
  parameters?: Record<string, unknown> | null | undefined;
}

/**
 * A Policy from its fields, with the policy type's defaults applied to `parameters`; or the
 * problems (`parameters.threshold: must be 0 or more`) that refuse it.
 */
export function buildPolicy(
  f: PolicyFields,
  ctx: { pack: string; metadataFile?: string; id?: string },
): { policy?: Policy; problems: { field: string; problem: string }[] } {
  const type = policyTypeSpec(f.policy_type);
  if (!type) return { problems: [{ field: 'policy_type', problem: `unknown policy type ${f.policy_type}` }] };
  const parsed = type.schema.safeParse(f.parameters ?? {});
  if (!parsed.success) {
    return {
      problems: issueTexts(parsed.error.issues).map((p) => ({
        field: p.field ? `parameters.${p.field}` : 'parameters',
        problem: p.problem,
      })),
    };
  }
  return {
    policy: {
      id: ctx.id ?? newId(),
      uid: `policy:${ctx.pack}:${f.name}`,
      ref: `${ctx.pack}.${f.name}`,
      pack: ctx.pack,
      name: f.name,
      description: f.description ?? '',
      enabled: f.enabled ?? true,
      resource_ref: f.resource_ref,
      policy_type: f.policy_type,
      parameters: parsed.data as JsonObject,
      ...(ctx.metadataFile ? { metadata_file: ctx.metadataFile } : {}),
    },
    problems: [],
  };
}
