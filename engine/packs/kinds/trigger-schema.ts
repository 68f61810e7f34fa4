import { z } from 'zod';

/** Every key a trigger type file may have (StackStorm's TriggerTypeAPI). */
export const TRIGGER_TYPE_KEYS = [
  'name',
  'pack',
  'ref',
  'uid',
  'id',
  'description',
  'parameters_schema',
  'payload_schema',
  'tags',
  'metadata_file',
] as const;

const schemaObject = z.record(z.string(), z.unknown());

/** One trigger type, as `triggers/*.yaml` or a sensor's `triggers:` entry declares it. */
export const TriggerTypeFileSchema = z.object({
  name: z.string().min(1).regex(/^\S+$/, { error: 'must not contain spaces' }),
  pack: z.string().min(1).optional(),
  ref: z.string().optional(),
  uid: z.string().optional(),
  id: z.string().optional(),
  description: z.string().nullish(),
  parameters_schema: schemaObject.nullish(),
  payload_schema: schemaObject.nullish(),
  tags: z.array(z.string()).optional(),
  metadata_file: z.string().optional(),
});
