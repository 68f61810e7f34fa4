import { extname, join, relative, resolve } from 'node:path';
import type { z } from 'zod';
import { newId } from '../../ids.js';
import type { PackTriggerType } from '../../model/trigger.js';
import { builtinTriggerType } from '../../triggers/builtin-trigger-types.js';
import { isFile } from '../pack-files.js';
import { definePackKind, type FileProblem, type PackKindSpec } from '../pack-kind.js';
import { SENSOR_KEYS, SensorFileSchema } from './sensor-schema.js';
import { toTriggerType } from './trigger-kind.js';

type SensorFile = z.infer<typeof SensorFileSchema>;

/** The code a sensor child can load (docs/sensors.md): JavaScript, TypeScript compiled at load, or Python. */
const CODE = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.py'];

/**
 * Trigger types declared inside sensor files, by the sensor item they came with. The loader adds
 * them to the pack's trigger types (pack-loader.ts), so they are stored and pruned with
 * `triggers/*.yaml` ones.
 */
export const declaredTriggerTypes = new WeakMap<object, PackTriggerType[]>();

const spec: PackKindSpec<'sensors', SensorFile> = {
  key: 'sensors',
  folder: 'sensors',
  label: 'sensor',
  definition: 'a sensor definition',
  schema: SensorFileSchema,
  unknownKey: (key) =>
    (SENSOR_KEYS as readonly string[]).includes(key)
      ? undefined
      : { field: key, problem: 'unknown key (ignored)', severity: 'warning' },
  async build(m, ctx) {
    const problems: FileProblem[] = [];
    const folder = resolve(ctx.packDir, 'sensors');
    const file = resolve(folder, m.entry_point);
    if (relative(folder, file).startsWith('..')) {
      return { problems: [{ field: 'entry_point', problem: 'must stay inside the sensors/ folder' }] };
    }
    if (!CODE.includes(extname(file))) {
      return {
        problems: [
          {
            field: 'entry_point',
            problem: `"${m.entry_point}" is not JavaScript, TypeScript or Python (${CODE.join(', ')})`,
          },
        ],
      };
    }
    if (!(await isFile(file))) {
      return { problems: [{ field: 'entry_point', problem: `sensors/${m.entry_point} does not exist` }] };
    }
    const declared: PackTriggerType[] = [];
    for (const [i, t] of [...(m.trigger_types ?? []), ...(m.triggers ?? [])].entries()) {
      const type = toTriggerType(t, ctx);
      if (builtinTriggerType(type.ref)) {
        problems.push({ field: `trigger_types[${i}].name`, problem: `${type.ref} is a built-in trigger type` });
        continue;
      }
      declared.push(type);
    }
    const sensor = {
      id: newId(),
      uid: `sensor_type:${ctx.pack}:${m.class_name}`,
      ref: `${ctx.pack}.${m.class_name}`,
      pack: ctx.pack,
      name: m.class_name,
      class_name: m.class_name,
      entry_point: m.entry_point,
      artifact_uri: join(folder, relative(folder, file)),
      description: m.description ?? '',
      enabled: m.enabled ?? true,
      ...(m.poll_interval !== undefined ? { poll_interval: m.poll_interval } : {}),
      trigger_types: declared.map((t) => t.ref),
      metadata_file: ctx.metadataFile,
    };
    declaredTriggerTypes.set(sensor, declared);
    return { item: sensor, problems };
  },
  repo: (store) => store.sensors,
};

/** sensors/*.yaml → SensorType, stored in `store.sensors`; the sensors role runs them. */
export const sensorKind = definePackKind(spec);
