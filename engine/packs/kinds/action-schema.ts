import { z } from 'zod';

/** The shape of StackStorm's actions/*.yaml, with messages that name what is expected. */

const PARAM_TYPES = ['string', 'integer', 'number', 'boolean', 'array', 'object'] as const;
const bool = z.boolean();
const str = z.string();
const obj = z.record(z.string(), z.unknown());
const strList = z.array(z.string());
const nonNegativeInt = z
  .number({ error: 'must be a non-negative integer' })
  .int({ error: 'must be a non-negative integer' })
  .nonnegative({ error: 'must be a non-negative integer' });

/** One parameter: the six types plus StackStorm's boolean-per-property extras; other JSON-schema keys pass. */
const ParamSpecSchema = z.looseObject({
  type: z.enum(PARAM_TYPES, { error: `must be one of ${PARAM_TYPES.join(', ')}` }).optional(),
  description: str.optional(),
  required: bool.optional(),
  secret: bool.optional(),
  immutable: bool.optional(),
  position: nonNegativeInt.optional(),
  enum: z.array(z.unknown()).optional(),
  items: obj.optional(),
  properties: obj.optional(),
});

const NotifySubSchema = z.looseObject({
  message: str.optional(),
  data: obj.optional(),
  routes: strList.optional(),
  channels: strList.optional(),
});

export const ACTION_KEYS = [
  'name',
  'runner_type',
  'description',
  'enabled',
  'entry_point',
  'parameters',
  'output_schema',
  'notify',
  'tags',
  'pack',
  'ref',
  'uid',
  'id',
  'metadata_file',
] as const;

export const ActionFileSchema = z.object({
  name: str.min(1).regex(/^\S+$/, { error: 'must not contain spaces' }),
  runner_type: str.min(1),
  description: str.nullish(),
  enabled: bool.optional(),
  entry_point: str.nullish(),
  parameters: z.record(z.string().regex(/^\w+$/), ParamSpecSchema).nullish(),
  output_schema: obj.nullish(),
  notify: z
    .looseObject({
      'on-complete': NotifySubSchema.optional(),
      'on-success': NotifySubSchema.optional(),
      'on-failure': NotifySubSchema.optional(),
    })
    .nullish(),
  tags: z.array(z.unknown()).nullish(),
  pack: str.optional(),
});
