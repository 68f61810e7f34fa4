import { z } from 'zod';
import { TriggerTypeFileSchema } from './trigger-schema.js';

/** Every key a sensor file may have (StackStorm's SensorTypeAPI, plus `triggers`, which older packs use). */
export const SENSOR_KEYS = [
  'class_name',
  'entry_point',
  'description',
  'enabled',
  'poll_interval',
  'pack',
  'trigger_types',
  'triggers',
  'name',
  'ref',
  'uid',
  'id',
  'artifact_uri',
  'metadata_file',
] as const;

/** One sensors/*.yaml, named by its class as StackStorm does. */
export const SensorFileSchema = z
  .object({
    class_name: z.string().regex(/^[A-Za-z_$][\w$]*$/, { error: 'must be a class name (letters, digits, _)' }),
    entry_point: z.string().min(1),
    description: z.string().nullish(),
    enabled: z.boolean().optional(),
    poll_interval: z.number().positive().optional(),
    pack: z.string().min(1).optional(),
    trigger_types: z.array(TriggerTypeFileSchema).optional(),
    triggers: z.array(TriggerTypeFileSchema).optional(),
  })
  .transform((m) => ({ ...m, name: m.class_name }));
