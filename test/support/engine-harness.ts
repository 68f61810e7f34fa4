import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { presentExecution } from '../../engine/api/present-execution.js';
import type { Bus, Subscription, Topic, Topics } from '../../engine/bus/bus.js';
import { createMemoryBus } from '../../engine/bus/memory/memory-bus.js';
import { createExecutionService } from '../../engine/executions/create-execution-service.js';
import type { ExecutionService } from '../../engine/executions/execution-service.js';
import { startScheduler } from '../../engine/executions/scheduler.js';
import { Sweeper, type SweeperDeps } from '../../engine/executions/sweeper.js';
import { TerminalWaiters } from '../../engine/executions/terminal-waiters.js';
import { Worker, type WorkerDeps } from '../../engine/executions/worker.js';
import { type Logger, silentLogger } from '../../engine/logger.js';
import type { Execution } from '../../engine/model/execution.js';
import type { JsonObject } from '../../engine/model/json.js';
import { startNotifier } from '../../engine/notifier/notifier.js';
import { registerPacks } from '../../engine/packs/pack-registrar.js';
import { builtinPacksDir } from '../../engine/packs/packs-root.js';
import { createRunnerRegistry, type RunnerRegistry } from '../../engine/runners/runner-registry.js';
import { createSqliteStore } from '../../engine/store/sqlite/sqlite-store.js';
import type { Store } from '../../engine/store/store.js';
import { StreamPublisher } from '../../engine/stream/stream-publisher.js';

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
}

/** A message seen on a topic, with the time order it arrived in (index in `all`). */
export interface Recorder<T extends Topic> {
  readonly messages: Topics[T][];
  stop(): Promise<void>;
}

/**
 * The engine built from its real parts (SQLite file store, in-process bus, real runners, the built-in
 * `core` pack and the `lifecycle` test pack), wired the way engine/roles.ts wires it, with each role
 * switchable so that tests can stop the pipeline at a given point.
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
  const store = await createSqliteStore({ kind: 'sqlite', path: join(dir, 'squall.db') }, { logger });
  await store.init();
  const report = await registerPacks(store, [builtinPacksDir(), LIFECYCLE_PACK_DIR]);
  const errors = report.problems.filter((p) => p.severity !== 'warning');
  if (errors.length > 0) throw new Error(`pack registration failed: ${JSON.stringify(errors)}`);
  const bus = await createMemoryBus({ kind: 'memory' }, { logger });
  const runners = createRunnerRegistry();
  const present = (e: Execution): JsonObject =>
    presentExecution(e, { runners, showSecrets: false, publicUrl: undefined }) as unknown as JsonObject;
  // SQLite hands out event ids in call order, as engine.ts should tell the publisher for that store.
  const stream = new StreamPublisher({ store, bus, logger, present, orderedAppends: true });
  const waiters = new TerminalWaiters(store, { pollMs: 100 });
  const executions = createExecutionService({
    store,
    bus,
    runners,
    logger,
    events: stream,
    waiters,
    timeouts: opts.timeouts ?? { defaultTimeoutS: 600, maxTimeoutS: 86400 },
  });
  const subs: Subscription[] = [];
  const workers: Worker[] = [];
  const sweepers: Sweeper[] = [];

  if (opts.scheduler !== false) subs.push(await startScheduler({ store, bus, logger, events: stream }));
  if (opts.notifier === true) subs.push(await startNotifier({ store, bus, runners, logger }));

  async function startWorker(over: Partial<WorkerDeps> = {}): Promise<Worker> {
    const w = await Worker.start({
      store,
      bus,
      runners,
      logger,
      events: stream,
      waiters,
      concurrency: opts.concurrency ?? 16,
      heartbeatMs: opts.heartbeatMs ?? 200,
      ...over,
    });
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
      await stream.drain();
      await bus.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
