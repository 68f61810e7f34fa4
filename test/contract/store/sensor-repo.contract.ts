import { beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../../engine/ids.js';
import type { SensorType } from '../../../engine/model/sensor.js';
import type { Store } from '../../../engine/store/store.js';

function sensor(pack: string, name: string, over: Partial<SensorType> = {}): SensorType {
  return {
    id: newId(),
    uid: `sensor_type:${pack}:${name}`,
    ref: `${pack}.${name}`,
    pack,
    name,
    class_name: name,
    entry_point: `${name}.js`,
    artifact_uri: `/packs/${pack}/sensors/${name}.js`,
    description: '',
    enabled: true,
    trigger_types: [`${pack}.event`],
    metadata_file: `sensors/${name}.yaml`,
    ...over,
  };
}

/** The sensors catalog (CatalogRepo): stored as given, keyed by ref, listed per pack. */
export function sensorRepoContract(current: () => Store): void {
  describe('sensors', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it('stores, replaces (keeping the id), lists per pack and deletes sensors', async () => {
      const first = await store.sensors.upsert(sensor('ops', 'Watch', { poll_interval: 5 }));
      expect(await store.sensors.get('ops.Watch')).toEqual(first);
      const again = await store.sensors.upsert(sensor('ops', 'Watch', { enabled: false }));
      expect(again.id).toBe(first.id);
      expect((await store.sensors.get('ops.Watch'))?.enabled).toBe(false);
      await store.sensors.upsert(sensor('ops', 'Another'));
      await store.sensors.upsert(sensor('web', 'Hook'));
      const ops = await store.sensors.list({ pack: 'ops' });
      expect(ops.items.map((s) => s.ref)).toEqual(['ops.Another', 'ops.Watch']);
      expect((await store.sensors.list()).total).toBe(3);
      expect(await store.sensors.delete('ops.Watch')).toBe(true);
      expect(await store.sensors.get('ops.Watch')).toBeUndefined();
    });
  });
}
