/**
 * The child process that runs one JavaScript or TypeScript sensor (started by sensor-process.ts).
 * It speaks the line protocol of sensor-protocol.ts on stdin/stdout; the sensor's own console
 * output goes to stderr, so it cannot corrupt the protocol.
 */
import { createHash } from 'node:crypto';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { JsonObject, JsonValue } from '../model/json.js';
import {
  type ChildMessage,
  LineSplitter,
  type LogLevel,
  type ParentMessage,
  type SensorMethod,
  type SensorStartSpec,
} from './sensor-protocol.js';

const protocolOut = process.stdout.write.bind(process.stdout);
const send = (m: ChildMessage): void => void protocolOut(`${JSON.stringify(m)}\n`);
// Whatever the sensor prints goes to stderr: stdout belongs to the protocol.
const toStderr = (...args: unknown[]): void => void process.stderr.write(`${args.map(String).join(' ')}\n`);
console.log = toStderr;
console.info = toStderr;
console.debug = toStderr;

let nextId = 1;
const pending = new Map<number, { resolve: (v: JsonValue) => void; reject: (e: Error) => void }>();
let stopping = false;
let instance: Record<string, unknown> | undefined;
let compiled: string | undefined;
let wake: (() => void) | undefined;

function call(method: SensorMethod, params: JsonObject): Promise<JsonValue> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    send({ type: 'call', id, method, params });
  });
}

function log(level: LogLevel, message: unknown, meta?: unknown): void {
  const m: ChildMessage = { type: 'log', level, message: String(message) };
  if (typeof meta === 'object' && meta !== null && !Array.isArray(meta)) m.meta = meta as JsonObject;
  send(m);
}

function logger(name?: string) {
  const at = (level: LogLevel) => (message: unknown, meta?: unknown) =>
    log(level, name ? `${name}: ${String(message)}` : message, meta);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), warning: at('warn'), error: at('error') };
}

interface KvOptions {
  local?: boolean;
  scope?: string;
  decrypt?: boolean;
  encrypt?: boolean;
  ttl?: number;
  prefix?: string;
}

/** What a sensor gets as its first constructor argument (StackStorm's sensor_service, in JS and Python names). */
function sensorService() {
  const dispatch = async (trigger: string, payload: JsonObject = {}, traceTag?: string): Promise<string | null> => {
    try {
      const r = await call('dispatch', { trigger, payload, ...(traceTag ? { trace_tag: traceTag } : {}) });
      return typeof r === 'string' ? r : null;
    } catch (e) {
      // As StackStorm's: a dispatch that is refused is logged, never thrown into the sensor.
      log('warn', `dispatch of ${trigger} refused: ${(e as Error).message}`);
      return null;
    }
  };
  const getValue = async (name: string, o: KvOptions = {}) =>
    (await call('kv.get', { name, ...pick(o, ['local', 'scope', 'decrypt']) })) as string | null;
  const setValue = async (name: string, value: unknown, o: KvOptions = {}) =>
    (await call('kv.set', { name, value: String(value), ...pick(o, ['local', 'scope', 'encrypt', 'ttl']) })) === true;
  const deleteValue = async (name: string, o: KvOptions = {}) =>
    (await call('kv.delete', { name, ...pick(o, ['local', 'scope']) })) === true;
  const listValues = async (o: KvOptions = {}) => call('kv.list', pick(o, ['local', 'prefix', 'decrypt']));
  return {
    dispatch,
    getLogger: logger,
    getValue,
    setValue,
    deleteValue,
    listValues,
    // StackStorm's Python names, so sensors ported from Python read the same.
    get_logger: logger,
    get_value: getValue,
    set_value: setValue,
    delete_value: deleteValue,
    list_values: listValues,
  };
}

function pick(o: KvOptions, keys: (keyof KvOptions)[]): JsonObject {
  const out: JsonObject = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k] as JsonValue;
  return out;
}

/** Imports the sensor's module; TypeScript is compiled with the TypeScript compiler first. */
async function importSensor(file: string): Promise<Record<string, unknown>> {
  const ext = extname(file);
  if (ext !== '.ts' && ext !== '.mts') return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  let ts: typeof import('typescript');
  try {
    ts = (await import('typescript')).default;
  } catch {
    throw new Error(
      `${basename(file)} is TypeScript, and the typescript package is not installed: ship the sensor as .js`,
    );
  }
  const source = await readFile(file, 'utf8');
  const out = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: file,
  });
  // Next to the source, so that its relative imports resolve as written.
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
  compiled = join(dirname(file), `.${basename(file, ext)}.${hash}.squall.mjs`);
  await writeFile(compiled, out.outputText, { mode: 0o600 });
  return (await import(pathToFileURL(compiled).href)) as Record<string, unknown>;
}

type SensorClass = new (service: unknown, config: JsonObject) => Record<string, unknown>;

function findClass(mod: Record<string, unknown>, name: string): SensorClass {
  const candidates = [mod[name], (mod.default as Record<string, unknown> | undefined)?.[name], mod.default];
  for (const c of candidates) if (typeof c === 'function') return c as SensorClass;
  throw new Error(`the module exports no class ${name} (export it by that name, or as the default export)`);
}

async function runSensor(spec: SensorStartSpec, config: JsonObject): Promise<void> {
  const Cls = findClass(await importSensor(spec.entry_point), spec.class_name);
  const service = sensorService();
  const sensor = new Cls(service, config);
  instance = sensor;
  sensor.sensorService ??= service;
  sensor.sensor_service ??= service;
  sensor.config ??= config;
  if (typeof sensor.setup === 'function') await (sensor.setup as () => unknown).call(sensor);
  send({ type: 'ready' });
  if (typeof sensor.poll === 'function') {
    while (!stopping) {
      await (sensor.poll as () => unknown).call(sensor);
      const seconds = Number(sensor.poll_interval ?? sensor.pollInterval ?? spec.poll_interval ?? 5);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(0, seconds * 1000));
        wake = () => {
          clearTimeout(t);
          r();
        };
      });
    }
  } else if (typeof sensor.run === 'function') {
    await (sensor.run as () => unknown).call(sensor);
  } else {
    throw new Error(`class ${spec.class_name} has neither run() nor poll()`);
  }
}

async function stop(code: number): Promise<never> {
  stopping = true;
  wake?.();
  try {
    if (instance && typeof instance.cleanup === 'function') await (instance.cleanup as () => unknown).call(instance);
  } catch (e) {
    log('error', `cleanup failed: ${(e as Error).message}`);
  }
  if (compiled) await unlink(compiled).catch(() => undefined);
  send({ type: 'stopped' });
  process.exit(code);
}

function fail(e: unknown): void {
  const err = e instanceof Error ? e : new Error(String(e));
  log('error', `sensor failed: ${err.message}`, { stack: err.stack ?? '' });
  if (compiled) void unlink(compiled).catch(() => undefined);
  // Let the log line out before exiting.
  setImmediate(() => process.exit(1));
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

const lines = new LineSplitter(
  (line) => {
    let m: ParentMessage;
    try {
      m = JSON.parse(line) as ParentMessage;
    } catch {
      return;
    }
    if (m.type === 'start') runSensor(m.sensor, m.config).catch(fail);
    else if (m.type === 'ping') send({ type: 'pong' });
    else if (m.type === 'stop') void stop(0);
    else if (m.type === 'reply') {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(m.error));
    }
  },
  () => log('warn', 'a message from the sensor container was too long and was dropped'),
);
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => lines.push(chunk));
// The container went away: nothing can be dispatched any more.
process.stdin.on('end', () => void stop(0));
