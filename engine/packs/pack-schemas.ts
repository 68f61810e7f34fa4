import { z } from 'zod';
import { ROLES } from '../model/auth.js';

/** Shapes of StackStorm's pack files, with messages that name what is expected. */

const PARAM_TYPES = ['string', 'integer', 'number', 'boolean', 'array', 'object'] as const;
const bool = z.boolean();
const str = z.string();
const obj = z.record(z.string(), z.unknown());
const strList = z.array(z.string());
const nonNegativeInt = z
  .number({ error: 'must be a non-negative integer' })
  .int({ error: 'must be a non-negative integer' })
  .nonnegative({ error: 'must be a non-negative integer' });

/** pack.yaml. Loose: real packs carry contributors, python_versions, stackstorm_version, system, ... */
export const PackFileSchema = z.looseObject({
  name: str.min(1),
  ref: str.regex(/^[a-z0-9_]+$/, { error: 'must match ^[a-z0-9_]+$ (lower-case letters, digits, _)' }).optional(),
  description: str.optional(),
  // YAML reads `version: 1.0` as a number.
  version: z.union([str, z.number()], { error: 'must be a string' }).transform(String).optional(),
  author: str.optional(),
  email: str.optional(),
  keywords: strList.optional(),
  dependencies: strList.optional(),
});

/** One parameter: the six types plus StackStorm's boolean-per-property extras; other JSON-schema keys pass. */
export const ParamSpecSchema = z.looseObject({
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

// StackStorm does not restrict the inner format object, which is why `match_multiple` works there.
const FormatObjectSchema = z.looseObject({
  display: str.optional(),
  representation: z.union([str, strList], { error: 'must be a string or a list of strings' }).optional(),
  match_multiple: bool.optional(),
});

/** Every key an alias may have: StackStorm's schema forbids others (`additionalProperties: false`). */
export const ALIAS_KEYS = [
  'name',
  'pack',
  'description',
  'enabled',
  'action_ref',
  'formats',
  'ack',
  'result',
  'extra',
  'immutable_parameters',
  'permissions',
  'channels',
  'ref',
  'uid',
  'id',
  'metadata_file',
] as const;

export const AliasFileSchema = z.object({
  name: str.min(1),
  pack: str.optional(),
  description: str.nullish(),
  enabled: bool.optional(),
  action_ref: str.regex(/^[^.\s]+\.[^\s]+$/, { error: 'must be an action ref such as core.local' }),
  formats: z.array(
    z.union([str, FormatObjectSchema], { error: 'must be a string or an object with display and representation' }),
  ),
  ack: z
    .looseObject({
      enabled: bool.optional(),
      format: str.optional(),
      append_url: bool.optional(),
      extra: obj.optional(),
    })
    .optional(),
  result: z.looseObject({ enabled: bool.optional(), format: str.optional(), extra: obj.optional() }).optional(),
  extra: obj.optional(),
  immutable_parameters: obj.optional(),
  permissions: z
    .strictObject({
      users: strList.optional(),
      roles: z.array(z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` })).optional(),
    })
    .optional(),
  channels: strList.optional(),
});
