import { z } from 'zod';
import { ROLES } from '../../model/auth.js';

/** The shape of StackStorm's aliases/*.yaml, with messages that name what is expected. */

const bool = z.boolean();
const str = z.string();
const obj = z.record(z.string(), z.unknown());
const strList = z.array(z.string());

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
