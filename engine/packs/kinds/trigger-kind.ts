import type { z } from 'zod';
import { newId } from '../../ids.js';
import type { JsonObject } from '../../model/json.js';
import type { PackTriggerType } from '../../model/trigger.js';
import { builtinTriggerType } from '../../triggers/builtin-trigger-types.js';
import { definePackKind, type PackKindSpec } from '../pack-kind.js';
import { TRIGGER_TYPE_KEYS, TriggerTypeFileSchema } from './trigger-schema.js';

export type TriggerTypeFile = z.infer<typeof TriggerTypeFileSchema>;

/** A stored trigger type from one declaration (a `triggers/*.yaml` file or a sensor's `triggers:` entry). */
export function toTriggerType(m: TriggerTypeFile, ctx: { pack: string; metadataFile: string }): PackTriggerType {
  const t: PackTriggerType = {
    id: newId(),
    ref: `${ctx.pack}.${m.name}`,
    uid: `trigger_type:${ctx.pack}:${m.name}`,
    pack: ctx.pack,
    name: m.name,
    description: m.description ?? '',
    parameters_schema: (m.parameters_schema ?? {}) as JsonObject,
    payload_schema: (m.payload_schema ?? {}) as JsonObject,
    metadata_file: ctx.metadataFile,
  };
  if (m.tags) t.tags = m.tags;
  return t;
}

const spec: PackKindSpec<'triggers', TriggerTypeFile> = {
  key: 'triggers',
  folder: 'triggers',
  label: 'trigger type',
  definition: 'a trigger type definition',
  schema: TriggerTypeFileSchema,
  unknownKey: (key) =>
    (TRIGGER_TYPE_KEYS as readonly string[]).includes(key)
      ? undefined
      : { field: key, problem: 'unknown key (ignored)', severity: 'warning' },
  build(m, ctx) {
    const t = toTriggerType(m, ctx);
    if (builtinTriggerType(t.ref)) {
      return { problems: [{ field: 'name', problem: `${t.ref} is a built-in trigger type and cannot be redefined` }] };
    }
    return { item: t, problems: [] };
  },
  repo: (store) => store.triggerTypes,
};

/** triggers/*.yaml → PackTriggerType, stored in `store.triggerTypes`. */
export const triggerKind = definePackKind(spec);
