import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig, resolveConfig } from '../../app/config.js';
import { createEngineCore } from '../../app/engine-core.js';
import { HttpServer } from '../../app/http/http-server.js';
import { presets } from '../../app/presets.js';
import { notifierRole } from '../../app/roles/notifier-role.js';
import { startWorker as startRunnerWorker } from '../../app/roles/runner-role.js';
import { schedulerRole } from '../../app/roles/scheduler-role.js';
import { type StartedRoles, startRoles } from '../../app/roles/start-roles.js';
import { workflowRole } from '../../app/roles/workflow-role.js';
import type { Bus, Subscription, Topic, Topics } from '../../engine/bus/bus.js';
import { readEnv } from '../../engine/config/from-env.js';
import type { ExecutionService } from '../../engine/executions/execution-service.js';
import { Sweeper, type SweeperDeps } from '../../engine/executions/sweeper.js';
import type { TerminalWaiters } from '../../engine/executions/terminal-waiters.js';
import type { Worker, WorkerDeps } from '../../engine/executions/worker.js';
import { type Logger, silentLogger } from '../../engine/logger.js';
import type { Execution } from '../../engine/model/execution.js';
import type { JsonObject } from '../../engine/model/json.js';
import type { RunnerRegistry } from '../../engine/runners/runner-registry.js';
import type { Store } from '../../engine/store/store.js';
import type { StreamPublisher } from '../../engine/stream/stream-publisher.js';

/** The test pack (`lifecycle.*`): secret output, a one-second timeout, a disabled action, typed parameters. */
export const LIFECYCLE_PACK_DIR = fileURLToPath(new URL('../fixtures/engine-packs/lifecycle/', import.meta.url));

export interface EngineHarnessOptions {
  /** Start the scheduler role. @default true */
  scheduler?: boolean;
  /** Start one Worker. @default true */
  worker?: boolean;
  /** Start the notifier role. @default false */
  notifier?: boolean;
  /** Worker concurrency. @default 16 */
  concurrency?: number;
  /** Worker heartbeat interval. @default 200 */
  heartbeatMs?: number;
  /** Default and maximum execution timeouts in seconds. @default { defaultTimeoutS: 600, maxTimeoutS: 86400 } */
  timeouts?: { defaultTimeoutS: number; maxTimeoutS: number };
  logger?: Logger;
  /** Start the workflows role. @default false */
  workflows?: boolean;
  /** Pack folders registered besides the lifecycle pack. */
  packPaths?: string[];
}

/** A message seen on a topic, with the time order it arrived in (index in `all`). */
export interface Recorder<T extends Topic> {
  readonly messages: Topics[T][];
  stop(): Promise<void>;
}

/**
 * The engine built by the real composition (app/: the embedded preset with a SQLite file store,
 * real runners, the built-in `core` pack and the `lifecycle` test pack) with each role switchable,
 * so that tests can stop the pipeline at a given point.
 */
export interface EngineHarness {
  readonly dir: string;
  readonly store: Store;
  readonly bus: Bus;
  readonly runners: RunnerRegistry;
  readonly stream: StreamPublisher;
  readonly waiters: TerminalWaiters;
  readonly executions: ExecutionService;
  readonly workers: Worker[];
  /** Starts one more Worker on the same store and bus. */
  startWorker(over?: Partial<WorkerDeps>): Promise<Worker>;
  /** A Sweeper on the harness's parts (not started; call `sweep()`). */
  sweeper(over?: Partial<SweeperDeps>): Sweeper;
  /** Subscribes (broadcast) to a topic and records every message. */
  record<T extends Topic>(topic: T): Promise<Recorder<T>>;
  /** Consumes a work-queue topic under its own group and records every message. */
  recordQueue<T extends Topic>(topic: T, group?: string): Promise<Recorder<T>>;
  /** Requests and waits for the terminal state; fails the test if it does not end in `ms`. */
  run(action: string, parameters?: Record<string, unknown>, ms?: number): Promise<Execution>;
  present(e: Execution): JsonObject;
  close(): Promise<void>;
}

export async function startEngineHarness(opts: EngineHarnessOptions = {}): Promise<EngineHarness> {
  const logger = opts.logger ?? silentLogger;
  const dir = mkdtempSync(join(tmpdir(), 'squall-engine-'));
  const timeouts = opts.timeouts ?? { defaultTimeoutS: 600, maxTimeoutS: 86400 };
  const options = parseConfig({
    ...presets.embedded(),
    store: { kind: 'sqlite', path: join(dir, 'squall.db') },
    packs: { paths: [LIFECYCLE_PACK_DIR, ...(opts.packPaths ?? [])] },
    executions: {
      default_timeout: timeouts.defaultTimeoutS,
      max_timeout: timeouts.maxTimeoutS,
      concurrency: opts.concurrency ?? 16,
      heartbeat_interval: (opts.heartbeatMs ?? 200) / 1000,
      // Tests sweep by hand (`sweeper()`); the scheduler role's own sweeper stays out of their way.
      sweep_interval: 3600,
    },
  });
  const config = resolveConfig(options, readEnv(), { dataDir: dir });
  const core = await createEngineCore(config, logger, { waiterPollMs: 100 });
  const { store, bus, runners, stream, waiters, executions, present } = core;
  const report = await core.registerPacks();
  const errors = report.problems.filter((p) => p.severity !== 'warning');
  if (errors.length > 0) throw new Error(`pack registration failed: ${JSON.stringify(errors)}`);
  const subs: Subscription[] = [];
  const workers: Worker[] = [];
  const sweepers: Sweeper[] = [];
  const roles: StartedRoles = await startRoles(
    core,
    [
      ...(opts.scheduler !== false ? [schedulerRole.name] : []),
      ...(opts.notifier === true ? [notifierRole.name] : []),
      ...(opts.workflows === true ? [workflowRole.name] : []),
    ],
    { http: new HttpServer() },
  );

  async function startWorker(over: Partial<WorkerDeps> = {}): Promise<Worker> {
    const w = await startRunnerWorker(core, () => undefined, over);
    workers.push(w);
    return w;
  }
  if (opts.worker !== false) await startWorker();

  async function recorder<T extends Topic>(
    attach: (h: (m: Topics[T]) => Promise<void>) => Promise<Subscription>,
  ): Promise<Recorder<T>> {
    const messages: Topics[T][] = [];
    const sub = await attach(async (m) => {
      messages.push(m);
    });
    subs.push(sub);
    return { messages, stop: () => sub.cancel() };
  }

  return {
    dir,
    store,
    bus,
    runners,
    stream,
    waiters,
    executions,
    workers,
    startWorker,
    sweeper(over = {}) {
      const s = new Sweeper({
        store,
        bus,
        logger,
        events: stream,
        waiters,
        requeueAfterMs: 10_000,
        abandonAfterMs: 30_000,
        sweepMs: 60_000,
        ...over,
      });
      sweepers.push(s);
      return s;
    },
    record: (topic) => recorder((h) => bus.subscribe(topic, h)),
    recordQueue: (topic, group = `test-${topic}`) => recorder((h) => bus.consume(topic, group, h)),
    async run(action, parameters = {}, ms = 20_000) {
      const e = await executions.request({ action, parameters, context: { user: 'tester' } });
      const done = await executions.waitForTerminal(e.id, ms);
      if (!done || !['succeeded', 'failed', 'timeout', 'canceled', 'abandoned'].includes(done.status)) {
        throw new Error(`execution ${e.id} of ${action} did not finish in ${ms} ms (status ${done?.status})`);
      }
      return done;
    },
    present,
    async close() {
      for (const s of sweepers) s.stop();
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.all(subs.map((s) => s.cancel()));
      await roles.stop();
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
