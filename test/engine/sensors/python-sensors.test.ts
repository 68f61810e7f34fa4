import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { tempDir } from '../../../bench/bench-util.js';
import { captureLogs } from '../../support/log-capture.js';

const PACK = fileURLToPath(new URL('../../fixtures/engine-packs/pysensors/', import.meta.url));

describe('Python sensors through squall start', () => {
  const dir = tempDir('squall-pysensors-');
  const logs = captureLogs();
  let server: RunningServer;

  beforeAll(async () => {
    await mkdir(join(dir.path, 'configs'), { recursive: true });
    await writeFile(join(dir.path, 'configs', 'pysensors.yaml'), 'greeting: hello\n');
    server = await startServer({
      dataDir: dir.path,
      config: { api: { port: 0 }, chat: { shell: false }, packs: { paths: [PACK] } },
      logger: logs.logger,
    });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    dir.remove();
  });

  const kv = async (name: string) => (await server.core.kv.get({ scope: 'st2kv.system', name }))?.value;
  const instances = async (trigger: string) =>
    (await server.core.store.triggerInstances.list({ trigger, order: 'asc', limit: 100 })).items;

  it('a PollingSensor dispatches to a rule that runs an action, with the datastore and the pack config', async () => {
    expect((await server.core.store.sensors.get('pysensors.PyTickSensor'))?.trigger_types).toEqual(['pysensors.tick']);
    await server.core.kv.set({ scope: 'st2kv.system', name: 'region', value: 'eu-west-1' }, 'test');
    await expect.poll(async () => (await instances('pysensors.tick')).length, { timeout: 30_000 }).toBe(3);
    expect((await instances('pysensors.tick')).map((i) => i.payload)).toEqual([
      { count: 1, region: 'eu-west-1', greeting: 'hello' },
      { count: 2, region: 'eu-west-1', greeting: 'hello' },
      { count: 3, region: 'eu-west-1', greeting: 'hello' },
    ]);
    await expect
      .poll(
        async () =>
          (await server.core.store.executions.list({ action: 'core.local', limit: 10 })).items.filter(
            (e) => e.status === 'succeeded',
          ).length,
        { timeout: 30_000 },
      )
      .toBe(1);
    const [run] = (await server.core.store.executions.list({ action: 'core.local', limit: 10 })).items;
    expect(run?.result).toMatchObject({ stdout: 'py tick 2 in eu-west-1 says hello' });
    // A payload against the schema and an unknown trigger type were refused (None), not dispatched.
    expect(await kv('pysensors.PyTickSensor:refused')).toBe('[null, null]');
    expect(await instances('pysensors.undeclared')).toEqual([]);
    await expect.poll(() => kv('pysensors.PyTickSensor:last_count'), { timeout: 10_000 }).toBe('3');
    // add_trigger came for its trigger type; its logger and its prints reached Squall's log.
    expect(await kv('pysensors.PyTickSensor:triggers')).toBe('["pysensors.tick"]');
    expect(logs.text()).toContain('SensorWrapper.pysensors.PyTickSensor.tick: dispatched tick 2');
    expect(logs.text()).toContain('polled 1');
  });

  it('a Sensor with run() dispatches and hears of the triggers rules give its type, as they change', async () => {
    await expect.poll(async () => (await instances('pysensors.watched')).length, { timeout: 30_000 }).toBe(1);
    expect((await instances('pysensors.watched'))[0]?.payload).toEqual({ answer: 42 });
    await expect.poll(() => kv('pysensors.PyWatchSensor:paths'), { timeout: 30_000 }).toBe('-,/var/log/app.log');
    const rule = await server.core.store.rules.get('pysensors.on_watched');
    if (!rule) throw new Error('rule not registered');
    await server.core.store.rules.upsert({ ...rule, enabled: false });
    // The container re-reads rules on its refresh (every 15 s) and tells the running sensor: remove_trigger.
    await expect.poll(() => kv('pysensors.PyWatchSensor:paths'), { timeout: 40_000 }).toBe('-');
  }, 60_000);

  it('restarts a sensor that fails in setup(), with process_spawn/exit triggers and the error logged', async () => {
    const exits = async () =>
      (await instances('core.st2.sensor.process_exit')).filter((t) => t.payload.id === 'PyCrashSensor');
    await expect.poll(async () => (await exits()).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    expect((await exits()).map((e) => e.payload.exit_code)).toEqual((await exits()).map(() => 1));
    const spawns = (await instances('core.st2.sensor.process_spawn')).filter((t) => t.payload.id === 'PyCrashSensor');
    expect(spawns[0]?.payload).toMatchObject({ ref: 'pysensors.PyCrashSensor' });
    expect(String(spawns[0]?.payload.cmd)).toContain('sensor_wrapper.py');
    expect(logs.text()).toContain('sensor failed: RuntimeError: cannot reach the queue');
  }, 60_000);
});
