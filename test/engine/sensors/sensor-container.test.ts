import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, resolveConfig } from '../../../app/config.js';
import { createEngineCore, type EngineCore } from '../../../app/engine-core.js';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { tempDir } from '../../../bench/bench-util.js';
import { readCredentials } from '../../../engine/auth/credentials.js';
import { readEnv } from '../../../engine/config/from-env.js';
import { createLogger, silentLogger } from '../../../engine/logger.js';
import { type SensorContainer, startSensorContainer } from '../../../engine/sensors/sensor-container.js';

const SENSOR_PACK = fileURLToPath(new URL('../../fixtures/engine-packs/sensorpack/', import.meta.url));
const CRASH_PACK = fileURLToPath(new URL('../../fixtures/engine-packs/crashpack/', import.meta.url));

describe('sensors through squall start: a sensor dispatches, a rule runs an action', () => {
  const dir = tempDir('squall-sensors-');
  let server: RunningServer;

  beforeAll(async () => {
    await mkdir(join(dir.path, 'configs'), { recursive: true });
    await writeFile(join(dir.path, 'configs', 'sensorpack.yaml'), 'greeting: hello\n');
    server = await startServer({
      dataDir: dir.path,
      config: { api: { port: 0 }, log: { level: 'silent' }, chat: { shell: false }, packs: { paths: [SENSOR_PACK] } },
      logger: silentLogger,
    });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    dir.remove();
  });

  it('registers the sensors and the trigger types their files declare', async () => {
    expect((await server.core.store.sensors.get('sensorpack.TickSensor'))?.trigger_types).toEqual(['sensorpack.tick']);
    expect(await server.core.store.sensors.get('sensorpack.TsWatchSensor')).toMatchObject({ enabled: true });
    expect((await server.core.store.triggerTypes.get('sensorpack.tick'))?.payload_schema).toMatchObject({
      type: 'object',
    });
    expect(await server.core.store.triggerTypes.get('sensorpack.ts_event')).toBeDefined();
  });

  it('turns a dispatched trigger instance into an execution through a rule, with the datastore and pack config', async () => {
    await server.core.kv.set({ scope: 'st2kv.system', name: 'region', value: 'eu-west-1' }, 'test');
    const instances = async () =>
      (await server.core.store.triggerInstances.list({ trigger: 'sensorpack.tick', order: 'asc' })).items;
    await expect.poll(async () => (await instances()).length, { timeout: 20_000 }).toBe(3);
    expect((await instances()).map((i) => i.payload)).toEqual([
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
        { timeout: 20_000 },
      )
      .toBe(1);
    const [run] = (await server.core.store.executions.list({ action: 'core.local', limit: 10 })).items;
    expect(run?.result).toMatchObject({ stdout: 'tick 2 in eu-west-1 says hello' });
    // Dispatches of an unknown trigger type or a payload against the schema answered null, stored nothing.
    expect((await server.core.kv.get({ scope: 'st2kv.system', name: 'sensorpack.TickSensor:refused' }))?.value).toBe(
      'null,null',
    );
    expect((await server.core.store.triggerInstances.list({ trigger: 'sensorpack.undeclared' })).items).toEqual([]);
    // The sensor wrote its own (local) key.
    expect((await server.core.kv.get({ scope: 'st2kv.system', name: 'sensorpack.TickSensor:last_count' }))?.value).toBe(
      '3',
    );
  });

  it('lists the sensors at /api/v1/sensortypes, and lets admins (only) disable one', async () => {
    const admin = { 'St2-Api-Key': (await readCredentials(dir.path))?.api_key ?? '' };
    await server.core.auth.createUser('watcher', 'watcher-password-1', ['operator']);
    const operator = { 'St2-Api-Key': (await server.core.auth.createApiKey('watcher')).key };
    const list = (await (
      await fetch(`${server.url}/api/v1/sensortypes?pack=sensorpack`, { headers: admin })
    ).json()) as {
      ref: string;
      trigger_types: string[];
    }[];
    expect(list.map((s) => s.ref)).toEqual(['sensorpack.TickSensor', 'sensorpack.TsWatchSensor']);
    const put = (h: Record<string, string>) =>
      fetch(`${server.url}/api/v1/sensortypes/sensorpack.TickSensor`, {
        method: 'PUT',
        headers: { ...h, 'Content-Type': 'application/json' },
        body: JSON.stringify({ ...list[0], enabled: false }),
      });
    expect((await put(operator)).status).toBe(403);
    const r = await put(admin);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({
      ref: 'sensorpack.TickSensor',
      enabled: false,
      class_name: 'TickSensor',
    });
    const missing = await fetch(`${server.url}/api/v1/sensortypes/sensorpack.Nope`, { headers: admin });
    expect(missing.status).toBe(404);
  });

  it('runs a TypeScript sensor, compiled at load, and records its process_spawn', async () => {
    await expect
      .poll(async () => (await server.core.store.triggerInstances.list({ trigger: 'sensorpack.ts_event' })).items, {
        timeout: 20_000,
      })
      .toMatchObject([{ payload: { answer: 42 } }]);
    const spawns = (await server.core.store.triggerInstances.list({ trigger: 'core.st2.sensor.process_spawn' })).items;
    expect(spawns.map((s) => s.payload.id).sort()).toEqual(['TickSensor', 'TsWatchSensor']);
    expect(spawns[0]?.payload.pid).toBeGreaterThan(0);
  });
});

describe('the sensor container with a crashing and a hanging sensor', () => {
  const dir = tempDir('squall-sensor-crash-');
  let core: EngineCore;
  let container: SensorContainer;
  let logs = '';

  beforeAll(async () => {
    const config = resolveConfig(parseConfig({ packs: { paths: [CRASH_PACK] } }, 'test'), readEnv(), {
      dataDir: dir.path,
    });
    const sink = new Writable({
      write(chunk: Buffer, _e, done) {
        logs += chunk.toString();
        done();
      },
    });
    core = await createEngineCore(config, createLogger({ level: 'info', destination: sink }));
    await core.registerPacks();
    container = await startSensorContainer({
      store: core.store,
      triggers: core.triggers,
      kv: core.kv,
      packConfig: (pack) => core.packConfig(pack),
      logger: core.logger,
      process: { restartBaseMs: 40, restartMaxMs: 160, healthyAfterMs: 60_000, pingMs: 100, hungAfterMs: 800 },
    });
  }, 60_000);

  afterAll(async () => {
    await container?.stop();
    await core?.close();
    dir.remove();
  });

  const count = async (trigger: string, id?: string) =>
    (await core.store.triggerInstances.list({ trigger, limit: 1000 })).items.filter(
      (t) => id === undefined || t.payload.id === id,
    );

  it('restarts a sensor that exits at once with a growing back-off, storing spawn and exit triggers', async () => {
    await expect
      .poll(async () => (await count('core.st2.sensor.process_exit', 'CrashSensor')).length, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(5);
    const exits = await count('core.st2.sensor.process_exit', 'CrashSensor');
    expect(exits.map((e) => e.payload.exit_code)).toEqual(exits.map(() => 3));
    expect((await count('core.st2.sensor.process_spawn', 'CrashSensor')).length).toBeGreaterThanOrEqual(5);
    const delays = logs
      .split('\n')
      .filter((l) => l.includes('restarting after a back-off') && l.includes('crashpack.CrashSensor'))
      .map((l) => (JSON.parse(l) as { delayMs: number; crashes: number }).delayMs);
    // Equal jitter: crash 1 waits 20-40 ms, crash 3 and later 80-160 ms (the cap).
    expect(delays[0]).toBeLessThanOrEqual(40);
    expect(delays.slice(2).every((d) => d >= 80 && d <= 160)).toBe(true);
    expect(container.running()).toContain('crashpack.CrashSensor');
  });

  it('kills a sensor whose event loop hangs and starts it again, while the others keep dispatching', async () => {
    await expect
      .poll(async () => (await count('core.st2.sensor.process_exit', 'HangSensor')).length, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(2);
    const exits = await count('core.st2.sensor.process_exit', 'HangSensor');
    expect(exits[0]?.payload.exit_code).toBe(137);
    expect((await count('crashpack.hung')).length).toBeGreaterThanOrEqual(2);
    const before = (await count('crashpack.steady')).length;
    expect(before).toBeGreaterThan(3);
    await expect
      .poll(async () => (await count('crashpack.steady')).length, { timeout: 10_000 })
      .toBeGreaterThan(before);
    // The steady sensor never restarted: one spawn, no exit.
    expect((await count('core.st2.sensor.process_spawn', 'SteadySensor')).length).toBe(1);
    expect(await count('core.st2.sensor.process_exit', 'SteadySensor')).toEqual([]);
  });

  it('stops every child on stop(), a hanging one included', async () => {
    const spawned = (await count('core.st2.sensor.process_spawn')).map((t) => Number(t.payload.pid));
    await container.stop();
    for (const pid of spawned) expect(() => process.kill(pid, 0)).toThrow();
    expect(container.running()).toEqual([]);
  });
});
