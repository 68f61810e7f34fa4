import type { KvService } from '../datastore/kv-service.js';
import { SquallError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import type { KeyValueRef } from '../model/key-value.js';
import type { Rule } from '../model/rule.js';
import type { SensorType } from '../model/sensor.js';
import type { CatalogRepo } from '../store/catalog-repo.js';
import type { Store } from '../store/store.js';
import { builtinTriggerType } from '../triggers/builtin-trigger-types.js';
import type { TriggerDispatcher } from '../triggers/trigger-dispatcher.js';
import { checkTriggerPayload } from '../triggers/trigger-parameters.js';
import { type PythonSettings, SensorProcess, type SensorProcessOptions } from './sensor-process.js';
import type { SensorMethod } from './sensor-protocol.js';
import { sensorTriggers } from './sensor-triggers.js';

export interface SensorContainerDeps {
  store: Store;
  triggers: TriggerDispatcher;
  kv: KvService;
  /** The pack's resolved config, handed to the sensor at start. */
  packConfig: (pack: string) => Promise<JsonObject>;
  logger: Logger;
  /** How often the store is read for added, changed or removed sensors. @default 15000 */
  refreshMs?: number;
  process?: SensorProcessOptions;
  /** Python sensors' interpreters: the pack's environment under `dataDir`, else `interpreter` (`packs.python`). */
  python?: PythonSettings;
}

export interface SensorContainer {
  /** Refs of the sensors running (or waiting to restart). */
  running(): string[];
  /** Reads the store now and starts, restarts or stops sensors to match. */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

/** Who sensors act as in the datastore's logs (StackStorm's `sensor_service`). */
const SENSOR_USER = 'sensor_service';

/**
 * Runs every enabled sensor of the registered packs, each in its own child process
 * (sensor-process.ts), and serves their calls: dispatching trigger instances and the system scope
 * of the datastore. Changes to the registered sensors (`squall pack register`) are picked up on the
 * next refresh.
 */
export async function startSensorContainer(deps: SensorContainerDeps): Promise<SensorContainer> {
  const log = deps.logger.child({ component: 'sensors' });
  const procs = new Map<string, { proc: SensorProcess; version: string }>();
  let stopped = false;

  async function handle(sensor: SensorType, method: SensorMethod, p: JsonObject): Promise<JsonValue> {
    if (method === 'dispatch') {
      const trigger = String(p.trigger ?? '');
      const payload = p.payload ?? {};
      if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
        throw new SquallError('SQ_VALIDATION', 'payload: must be an object');
      }
      // As StackStorm's sensor service: an unknown trigger type, or a payload its schema refuses, is not dispatched.
      const type = builtinTriggerType(trigger) ?? (await deps.store.triggerTypes.get(trigger));
      if (!type) throw new SquallError('SQ_VALIDATION', `no trigger type "${trigger.slice(0, 200)}"`);
      const problems = checkTriggerPayload(type, payload);
      if (problems.length > 0) {
        const text = problems.map((q) => (q.field ? `${q.field}: ${q.problem}` : q.problem)).join('; ');
        throw new SquallError(
          'SQ_VALIDATION',
          `payload does not match ${trigger}'s payload schema: ${text.slice(0, 300)}`,
        );
      }
      const instance = await deps.triggers.dispatch({
        trigger,
        payload,
        ...(typeof p.trace_tag === 'string' && p.trace_tag !== '' ? { trace_tag: p.trace_tag } : {}),
      });
      return instance.id;
    }
    const name = String(p.name ?? '');
    if (p.scope !== undefined && p.scope !== 'system' && p.scope !== 'st2kv.system') {
      throw new SquallError('SQ_VALIDATION', `Scope ${String(p.scope)} is unsupported (sensors use st2kv.system)`);
    }
    // `local` (the default, as in StackStorm) keeps a sensor's keys under `<pack>.<Class>:`.
    const prefix = p.local === false ? '' : `${sensor.ref}:`;
    const ref: KeyValueRef = { scope: 'st2kv.system', name: `${prefix}${name}` };
    switch (method) {
      case 'kv.get': {
        const item = await deps.kv.get(ref);
        return item ? deps.kv.view(item, { decrypt: p.decrypt === true }).value : null;
      }
      case 'kv.set':
        await deps.kv.set(
          {
            ...ref,
            value: String(p.value ?? ''),
            ...(p.encrypt === true ? { secret: true } : {}),
            ...(typeof p.ttl === 'number' && p.ttl > 0 ? { ttl: Math.round(p.ttl) } : {}),
          },
          SENSOR_USER,
        );
        return true;
      case 'kv.delete':
        try {
          await deps.kv.delete(ref, SENSOR_USER);
          return true;
        } catch (e) {
          if (e instanceof SquallError && e.code === 'SQ_NOT_FOUND') return false;
          throw e;
        }
      case 'kv.list': {
        const page = await deps.kv.list({
          scope: 'st2kv.system',
          prefix: `${prefix}${typeof p.prefix === 'string' ? p.prefix : ''}`,
          limit: 1000,
          offset: 0,
        });
        return page.items.map((i) => deps.kv.view(i, { decrypt: p.decrypt === true }) as unknown as JsonObject);
      }
    }
  }

  function launch(sensor: SensorType): SensorProcess {
    const proc = new SensorProcess({
      sensor,
      config: () => deps.packConfig(sensor.pack),
      handle,
      lifecycle: async (trigger, payload) => {
        try {
          await deps.triggers.dispatch({ trigger, payload });
        } catch (e) {
          log.warn('could not dispatch a sensor lifecycle trigger', { trigger, error: (e as Error).message });
        }
      },
      logger: deps.logger,
      ...(deps.process ? { options: deps.process } : {}),
      ...(deps.python ? { python: deps.python } : {}),
      triggers: async () => sensorTriggers(sensor, await enabledRules()),
    });
    proc.start();
    return proc;
  }

  const enabledSensors = (): Promise<SensorType[]> => enabledIn(deps.store.sensors);
  const enabledRules = (): Promise<Rule[]> => enabledIn(deps.store.rules);

  async function refresh(): Promise<void> {
    if (stopped) return;
    const wanted = new Map((await enabledSensors()).map((s) => [s.ref, s]));
    // Running sensors hear of rules that now use their trigger types (or stopped using them).
    const rules = await enabledRules();
    for (const [ref, entry] of procs) {
      const next = wanted.get(ref);
      if (next && version(next) === entry.version) entry.proc.updateTriggers(sensorTriggers(next, rules));
    }
    for (const [ref, entry] of procs) {
      const next = wanted.get(ref);
      if (next && version(next) === entry.version) continue;
      procs.delete(ref);
      log.info(next ? 'sensor changed; restarting it' : 'sensor removed or disabled; stopping it', { sensor: ref });
      await entry.proc.stop();
    }
    for (const [ref, sensor] of wanted) {
      if (procs.has(ref) || stopped) continue;
      procs.set(ref, { proc: launch(sensor), version: version(sensor) });
    }
  }

  await refresh();
  log.info('sensor container started', { sensors: [...procs.keys()] });
  const timer = setInterval(() => {
    refresh().catch((e: unknown) => log.warn('could not read the sensors', { error: (e as Error).message }));
  }, deps.refreshMs ?? 15_000);
  timer.unref();

  return {
    running: () => [...procs.keys()],
    refresh,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.all([...procs.values()].map((e) => e.proc.stop()));
      procs.clear();
    },
  };
}

/** Every enabled item of a catalog, page by page. */
async function enabledIn<T extends { id: string; ref: string; enabled: boolean }>(repo: CatalogRepo<T>): Promise<T[]> {
  const out: T[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await repo.list({ limit: 500, offset });
    out.push(...page.items.filter((i) => i.enabled));
    if (page.items.length < 500) return out;
  }
}

/** What makes a sensor "changed": everything but its id. */
function version(s: SensorType): string {
  const { id: _id, ...rest } = s;
  return JSON.stringify(rest);
}
