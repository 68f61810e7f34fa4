import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backoffDelay } from '../../lib/backoff.js';
import { installRoot } from '../../lib/install-root.js';
import { Sleeper } from '../../lib/sleeper.js';
import type { Logger } from '../logger.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import type { SensorType } from '../model/sensor.js';
import { isExecutable } from '../packs/pack-files.js';
import { packVenvDir, venvPython } from '../packs/python/venv-paths.js';
import {
  LineSplitter,
  type ParentMessage,
  parseChildMessage,
  type SensorMethod,
  type SensorTrigger,
} from './sensor-protocol.js';

/** What the container does for a sensor's calls (dispatch, datastore). */
export type SensorCallHandler = (sensor: SensorType, method: SensorMethod, params: JsonObject) => Promise<JsonValue>;

export interface SensorProcessOptions {
  /** First restart delay after a crash; doubles per crash in a row. @default 1000 */
  restartBaseMs?: number;
  /** @default 60000 */
  restartMaxMs?: number;
  /** A child alive this long before it exits starts the back-off afresh. @default 10000 */
  healthyAfterMs?: number;
  /** How often the child is asked for a pong. @default 10000 */
  pingMs?: number;
  /** A child that has not answered for this long is killed (and restarted). @default 30000 */
  hungAfterMs?: number;
  /** How long `stop()` waits for cleanup before SIGKILL. @default 5000 */
  stopTimeoutMs?: number;
  /** How long a new child may take to say anything at all (loading Node and the sensor's code). @default 30000 */
  startupMs?: number;
}

export interface SensorProcessDeps {
  sensor: SensorType;
  config: () => Promise<JsonObject>;
  handle: SensorCallHandler;
  /** The `core.st2.sensor.process_spawn|exit` triggers. */
  lifecycle: (
    trigger: 'core.st2.sensor.process_spawn' | 'core.st2.sensor.process_exit',
    payload: JsonObject,
  ) => Promise<void>;
  logger: Logger;
  options?: SensorProcessOptions;
  /** The sensor's triggers (for Python sensors' add_trigger), read at each start. @default none */
  triggers?: () => Promise<SensorTrigger[]>;
  /** Where Python sensors' interpreters are: the pack's environment under `dataDir`, else `interpreter`. */
  python?: PythonSettings;
}

export interface PythonSettings {
  dataDir: string;
  /** `packs.python`. */
  interpreter: string;
}

interface ChildCommand {
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** The Node child's entry: the TypeScript source under tsx (tests, `npx tsx`), the compiled file otherwise. */
function nodeChildArgs(): string[] {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return ['--import', 'tsx', here.replace(/sensor-process\.ts$/, 'sensor-child.ts')];
  return [here.replace(/sensor-process\.js$/, 'sensor-child.js')];
}

/**
 * What runs a sensor: Node with sensor-child for JavaScript and TypeScript; for Python, the pack's
 * virtual environment (else `packs.python`) with Squall's sensor wrapper, speaking the same protocol.
 */
async function childCommand(s: SensorType, python: PythonSettings | undefined): Promise<ChildCommand> {
  if (!s.artifact_uri.endsWith('.py')) return { file: process.execPath, args: nodeChildArgs(), env: childEnv() };
  const settings = python ?? { dataDir: '', interpreter: '/usr/bin/python3' };
  const venv = venvPython(packVenvDir(settings.dataDir, s.pack));
  const file = settings.dataDir !== '' && (await isExecutable(venv)) ? venv : settings.interpreter;
  const env = childEnv();
  if (process.env.PYTHONPATH) env.PYTHONPATH = process.env.PYTHONPATH;
  return { file, args: ['-u', join(installRoot(), 'python', 'squall_runner', 'sensor_wrapper.py')], env };
}

/** The environment a sensor runs with: not Squall's own (which may hold credentials). */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const k of ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR']) if (process.env[k]) env[k] = process.env[k];
  return env;
}

/**
 * Runs one sensor in a child process of its own and keeps it running: a child that crashes (exits
 * non-zero, or stops answering pings) is restarted after a back-off that doubles per crash in a
 * row; one that exits 0 finished on purpose and is not restarted (as in StackStorm). Whatever the
 * child does, the parent only reads bounded lines from it.
 */
export class SensorProcess {
  readonly #d: SensorProcessDeps;
  readonly #o: Required<SensorProcessOptions>;
  readonly #log: Logger;
  readonly #sleeper = new Sleeper();
  #child: ChildProcess | undefined;
  #stopped = false;
  #loop: Promise<void> | undefined;
  /** Crashes in a row, for the back-off. */
  #crashes = 0;
  /** The triggers the running child was last told of (JSON), to send only changes. */
  #sentTriggers = '[]';

  constructor(deps: SensorProcessDeps) {
    this.#d = deps;
    this.#log = deps.logger.child({ component: 'sensors', sensor: deps.sensor.ref });
    const o = deps.options ?? {};
    this.#o = {
      restartBaseMs: o.restartBaseMs ?? 1000,
      restartMaxMs: o.restartMaxMs ?? 60_000,
      healthyAfterMs: o.healthyAfterMs ?? 10_000,
      pingMs: o.pingMs ?? 10_000,
      hungAfterMs: o.hungAfterMs ?? 30_000,
      stopTimeoutMs: o.stopTimeoutMs ?? 5000,
      startupMs: o.startupMs ?? 30_000,
    };
  }

  get sensor(): SensorType {
    return this.#d.sensor;
  }

  start(): void {
    this.#loop ??= this.#run().catch((e: unknown) => {
      this.#log.error('sensor supervisor failed', { error: (e as Error).message });
    });
  }

  /** Tells the running child its triggers changed (it calls add_/update_/remove_trigger); no-op when unchanged. */
  updateTriggers(triggers: SensorTrigger[]): void {
    const text = JSON.stringify(triggers);
    const child = this.#child;
    if (!child || text === this.#sentTriggers) return;
    this.#sentTriggers = text;
    this.#send(child, { type: 'triggers', triggers });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#sleeper.wakeAll();
    const child = this.#child;
    if (child && child.exitCode === null && child.signalCode === null) {
      this.#send(child, { type: 'stop' });
      const killer = setTimeout(() => child.kill('SIGKILL'), this.#o.stopTimeoutMs);
      await new Promise<void>((r) => {
        if (child.exitCode !== null || child.signalCode !== null) r();
        else child.once('exit', () => r());
      });
      clearTimeout(killer);
    }
    await this.#loop;
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      const started = Date.now();
      const code = await this.#once();
      if (this.#stopped) return;
      if (code === 0) {
        this.#log.info('sensor finished (exit code 0); not restarted');
        return;
      }
      this.#crashes = Date.now() - started >= this.#o.healthyAfterMs ? 1 : this.#crashes + 1;
      const delay = backoffDelay(this.#crashes, {
        baseMs: this.#o.restartBaseMs,
        maxMs: this.#o.restartMaxMs,
        jitter: 'equal',
      });
      this.#log.warn('sensor exited; restarting after a back-off', {
        exitCode: code,
        crashes: this.#crashes,
        delayMs: delay,
      });
      await this.#sleeper.sleep(delay);
    }
  }

  /** One child, from spawn to exit; resolves with the exit code (signals count as 128 + n, like a shell). */
  async #once(): Promise<number> {
    const s = this.#d.sensor;
    let config: JsonObject;
    try {
      config = await this.#d.config();
    } catch (e) {
      this.#log.error('cannot read the pack config; the sensor does not start', { error: (e as Error).message });
      return 78;
    }
    let triggers: SensorTrigger[] = [];
    try {
      triggers = (await this.#d.triggers?.()) ?? [];
    } catch (e) {
      this.#log.warn("cannot read the sensor's triggers; it starts without them", { error: (e as Error).message });
    }
    const cmd = await childCommand(s, this.#d.python);
    const child = spawn(cmd.file, cmd.args, {
      cwd: s.artifact_uri.replace(/\/[^/]*$/, ''),
      env: cmd.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#child = child;
    const exited = new Promise<number>((resolve) => {
      child.once('exit', (code, signal) => resolve(code ?? 128 + signalNumber(signal)));
      child.once('error', (e) => {
        this.#log.error('sensor process failed to start', { error: e.message });
        resolve(127);
      });
    });
    await this.#d.lifecycle('core.st2.sensor.process_spawn', {
      id: s.class_name,
      ref: s.ref,
      timestamp: Math.floor(Date.now() / 1000),
      pid: child.pid ?? 0,
      cmd: [cmd.file, ...cmd.args].join(' '),
    });
    // Until its first line the child is loading, which may take a while on a busy host.
    let lastHeard = Date.now() + Math.max(0, this.#o.startupMs - this.#o.hungAfterMs);
    const stdout = new LineSplitter(
      (line) => {
        lastHeard = Date.now();
        void this.#onLine(child, line);
      },
      () => this.#log.warn('sensor sent a line longer than 1 MiB; dropped'),
    );
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => stdout.push(d));
    const stderr = new LineSplitter(
      (line) => this.#log.info('sensor output', { line: line.slice(0, 2000) }),
      () => undefined,
    );
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => stderr.push(d));
    child.stdin?.on('error', () => undefined);
    this.#send(child, { type: 'start', sensor: startSpec(s), config, triggers });
    this.#sentTriggers = JSON.stringify(triggers);
    // A child whose event loop is stuck cannot answer: it is killed, and restarted like a crash.
    const watchdog = setInterval(() => {
      if (Date.now() - lastHeard > this.#o.hungAfterMs) {
        this.#log.warn('sensor stopped answering; killing it', { silentMs: Date.now() - lastHeard });
        child.kill('SIGKILL');
      } else this.#send(child, { type: 'ping' });
    }, this.#o.pingMs);
    const code = await exited;
    clearInterval(watchdog);
    this.#child = undefined;
    await this.#d.lifecycle('core.st2.sensor.process_exit', {
      id: s.class_name,
      ref: s.ref,
      timestamp: Math.floor(Date.now() / 1000),
      exit_code: code,
    });
    return code;
  }

  async #onLine(child: ChildProcess, line: string): Promise<void> {
    const m = parseChildMessage(line);
    if (!m) {
      this.#log.warn('sensor sent a line that is not a protocol message; ignored', { line: line.slice(0, 200) });
      return;
    }
    if (m.type === 'log') {
      const meta = m.meta ?? {};
      this.#log[m.level](m.message.slice(0, 4000), meta);
    } else if (m.type === 'ready') {
      this.#log.info('sensor running');
    } else if (m.type === 'call') {
      try {
        const result = await this.#d.handle(this.#d.sensor, m.method, m.params);
        this.#send(child, { type: 'reply', id: m.id, ok: true, result });
      } catch (e) {
        this.#send(child, { type: 'reply', id: m.id, ok: false, error: (e as Error).message });
      }
    }
  }

  #send(child: ChildProcess, m: ParentMessage): void {
    if (child.stdin?.writable) child.stdin.write(`${JSON.stringify(m)}\n`);
  }
}

function startSpec(s: SensorType) {
  return {
    ref: s.ref,
    pack: s.pack,
    class_name: s.class_name,
    entry_point: s.artifact_uri,
    ...(s.poll_interval !== undefined ? { poll_interval: s.poll_interval } : {}),
    trigger_types: s.trigger_types,
  };
}

function signalNumber(signal: NodeJS.Signals | null): number {
  const n: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGSEGV: 11, SIGTERM: 15, SIGABRT: 6 };
  return signal ? (n[signal] ?? 0) : 0;
}
