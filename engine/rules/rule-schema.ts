import { z } from 'zod';

/** Shape of a rule file (StackStorm's RuleAPI), with messages that name what is expected. */

const str = z.string();
const obj = z.record(z.string(), z.unknown());

/** Every key a rule may have; `ref`, `uid` and `id` are accepted (exports carry them) and recomputed. */
export const RULE_KEYS = [
  'name',
  'pack',
  'ref',
  'uid',
  'id',
  'description',
  'enabled',
  'type',
  'trigger',
  'criteria',
  'action',
  'context',
  'tags',
  'metadata_file',
] as const;

export const RuleFileSchema = z.object({
  name: str.min(1).regex(/^\S+$/, { error: 'must not contain spaces' }),
  pack: str.min(1).optional(),
  ref: str.optional(),
  uid: str.optional(),
  id: str.optional(),
  description: str.nullish(),
  enabled: z.boolean().optional(),
  type: z
    .object({
      ref: z.enum(['standard', 'backstop'], { error: 'must be one of standard, backstop' }).optional(),
      parameters: obj.nullish(),
    })
    .optional(),
  trigger: z.looseObject({
    type: str.min(1).regex(/^[^.\s]+\.\S+$/, { error: 'must be a trigger type ref such as core.st2.webhook' }),
    parameters: obj.nullish(),
    description: str.nullish(),
    ref: str.optional(),
  }),
  criteria: obj.nullish(),
  action: z.strictObject({
    ref: str.regex(/^[^.\s]+\.\S+$/, { error: 'must be an action ref such as core.local' }),
    parameters: obj.nullish(),
    description: str.nullish(),
  }),
  context: obj.optional(),
  tags: z.array(z.looseObject({ name: str.min(1), value: z.unknown().optional() })).optional(),
  metadata_file: str.optional(),
});
