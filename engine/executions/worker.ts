import { hostname } from 'node:os';
import { markProcessGroup } from '../../lib/process-groups.js';
import { maskDeep, maskText, secretValues } from '../actions/parameters.js';
import { type Bus, completedMessage, type Subscription } from '../bus/bus.js';
import type { Logger } from '../logger.js';
import { metrics } from '../metrics/metrics.js';
import type { Execution } from '../model/execution.js';
import type { JsonObject } from '../model/json.js';
import { jsonLimitProblem } from '../model/json-limits.js';
import type { RunOutcome } from '../runners/runner.js';
import type { RunnerRegistry } from '../runners/runner-registry.js';
import { isRunnerType, unsupportedRunner } from '../runners/runner-types.js';
import type { Store } from '../store/store.js';
import { OutputPipe } from './output-pipe.js';
import type { ExecutionEvents } from './status-events.js';
import type { TerminalWaiters } from './terminal-waiters.js';

export interface WorkerDeps {
  store: Store;
  bus: Bus;
  runners: RunnerRegistry;
  logger: Logger;
  events: ExecutionEvents;
  waiters: TerminalWaiters;
  /** Executions run at once by this process. */
  concurrency: number;
  heartbeatMs: number;
  /** The work-queue group it consumes under (named by app/'s role table, so every process agrees). */
  group: string;
  /** The execution's parameters with secrets opened (they are stored sealed): `ExecutionService.parametersOf`. */
  parametersOf: (e: Execution) => JsonObject;
  /** Extra environment for an execution's child processes (API URL, a short-lived token, ...). */
  actionEnv?: (e: Execution) => Promise<Record<string, string>>;
  /**
   * The values of the secret options of a pack's config (`self.config` of its Python actions), masked
   * like secret parameters. Called for every run: must be cheap for a pack without a config.
   */
  configSecrets?: (pack: string, user?: string) => Promise<string[]>;
  /** Called once the runner is done with what `actionEnv` gave (revokes its token). */
  actionEnvDone?: (env: Record<string, string>) => Promise<void>;
  /** Why an execution must not run (its pack's config is invalid), checked before its runner starts. */
  refusal?: (e: Execution) => Promise<string | undefined>;
}

const WORKER_ID = `${hostname()}:${process.pid}`;

/**
 * The runner role: claims scheduled executions (compare-and-set `scheduled → running`, so a
 * redelivered message never runs one twice), runs them, heart-beats while they run and records the
 * terminal state with `running|canceling → terminal`.
 */
export class Worker {
  readonly #deps: WorkerDeps;
  readonly #running = new Map<string, AbortController>();
  readonly #subs: Subscription[] = [];
  #heartbeat: NodeJS.Timeout | undefined;
  readonly #log: Logger;

  protected constructor(deps: WorkerDeps) {
    this.#deps = deps;
    this.#log = deps.logger.child({ component: 'runner' });
  }

  static async start(deps: WorkerDeps): Promise<Worker> {
    const w = new Worker(deps);
    w.#subs.push(await deps.bus.subscribe('execution.cancel', async ({ id }) => w.#cancel(id)));
    w.#subs.push(
      await deps.bus.consume('execution.scheduled', deps.group, async ({ id }) => w.#run(id), {
        prefetch: deps.concurrency,
      }),
    );
    metrics.runnerSlots(deps.concurrency);
    w.#heartbeat = setInterval(() => void w.#beat(), deps.heartbeatMs);
    w.#heartbeat.unref();
    return w;
  }

  /** Executions this process is running now. */
  get active(): number {
    return this.#running.size;
  }

  /**
   * Graceful stop: takes no more work and waits for the runs in flight (they keep heart-beating
   * meanwhile, so that a sweeper elsewhere does not take a slow stop for a dead runner). Runs still
   * going after `graceMs`, or once `now` aborts (a second SIGTERM), are stopped and handed back:
   * `scheduled` again and re-published, for another runner (or this one's next start) to run.
   */
  async stop(opts: { graceMs?: number; now?: AbortSignal } = {}): Promise<void> {
    const handBack = () => {
      for (const c of this.#running.values()) c.abort('shutdown');
    };
    const grace = setTimeout(handBack, opts.graceMs ?? 10_000);
    grace.unref();
    opts.now?.addEventListener('abort', handBack, { once: true });
    if (opts.now?.aborted) handBack();
    await Promise.all(this.#subs.map((s) => s.cancel()));
    clearTimeout(grace);
    opts.now?.removeEventListener('abort', handBack);
    if (this.#heartbeat) clearInterval(this.#heartbeat);
  }

  /** A run stopped by the end of a graceful stop goes back to the queue, not to `abandoned`. */
  async #handBack(e: Execution, log: Logger): Promise<boolean> {
    const at = new Date().toISOString();
    const back = await this.#deps.store.executions.update(
      e.id,
      { expect: { status: 'running' } },
      { status: 'scheduled', appendLog: { status: 'scheduled', timestamp: at } },
    );
    if (!back) return false; // `canceling` meanwhile: the usual path records the cancel
    this.#deps.events.updated(back);
    log.warn('runner stopping: execution handed back to the queue');
    // If this publish is lost with the process, the sweeper re-publishes the scheduled execution.
    await this.#deps.bus
      .publish('execution.scheduled', { id: e.id })
      .catch((err: unknown) => log.warn('hand-back publish failed', { error: (err as Error).message }));
    return true;
  }

  async #cancel(id: string): Promise<void> {
    this.#running.get(id)?.abort('cancel');
  }

  async #beat(): Promise<void> {
    const at = new Date().toISOString();
    for (const [id, controller] of this.#running) {
      try {
        if (await this.#deps.store.executions.heartbeat(id, at)) continue;
        // No longer `running` in the store. `canceling` whose broadcast this process missed, or
        // marked abandoned by a sweeper that took this runner for dead: either way nobody will
        // take this run's result, so stop the command instead of letting it run on unseen.
        const e = await this.#deps.store.executions.get(id);
        if (e && e.status !== 'running' && this.#running.get(id) === controller) controller.abort('cancel');
      } catch (e) {
        this.#log.warn('heartbeat failed', { executionId: id, error: (e as Error).message });
      }
    }
  }

  async #run(id: string): Promise<void> {
    const { store, bus, runners, events } = this.#deps;
    const startedAt = new Date().toISOString();
    const e = await store.executions.update(
      id,
      { expect: { status: 'scheduled' } },
      {
        status: 'running',
        worker: WORKER_ID,
        heartbeat_at: startedAt,
        appendLog: { status: 'running', timestamp: startedAt },
      },
    );
    if (!e) return; // another runner has it, or it was canceled before it started
    events.updated(e);
    const log = this.#log.child({ executionId: id, action: e.action.ref });
    const runner = runners.get(e.runner_type);
    let parameters: JsonObject = {};
    let unopened: string | undefined;
    try {
      parameters = this.#deps.parametersOf(e);
    } catch (err) {
      unopened = (err as Error).message;
    }
    const secrets = secretValues(runners.specsOf(e.action), parameters);
    const fromConfig = await this.#configSecrets(e, log);
    if (fromConfig.length > 0) secrets.push(...fromConfig.filter((s) => !secrets.includes(s)));
    const mask = secrets.length > 0 ? (s: string) => maskText(s, secrets) : (s: string) => s;
    const controller = new AbortController();
    this.#running.set(id, controller);
    metrics.runStarted();
    const timeoutS = e.timeout_s ?? 600;
    const timer = setTimeout(() => controller.abort('timeout'), timeoutS * 1000);
    const output = new OutputPipe(e, { store, bus, events, logger: log }, mask, secrets);

    // Written as soon as a child starts, so that a sweeper after a kill -9 of this process finds it.
    let marked: Promise<unknown> = Promise.resolve();
    const processGroupStarted = (pgid: number): void => {
      const mark = markProcessGroup(pgid);
      marked = marked
        .then(() =>
          store.executions.update(id, { expect: { status: ['running', 'canceling'] } }, { process_group: mark }),
        )
        .catch((err: unknown) =>
          log.warn('could not record the process group', { pgid, error: (err as Error).message }),
        );
    };

    let outcome: RunOutcome;
    try {
      const refused = unopened ?? (await this.#deps.refusal?.(e));
      if (refused !== undefined) {
        outcome = { status: 'failed', result: { error: refused } };
      } else if (!runner) {
        const error = isRunnerType(e.runner_type)
          ? `Runner "${e.runner_type}" is not available in this process.`
          : unsupportedRunner(e.runner_type);
        outcome = { status: 'failed', result: { error } };
      } else {
        const pack = await store.packs.get(e.action.pack);
        // What runs it sees the secrets in clear; the stored execution keeps them sealed.
        const opened: Execution = { ...e, parameters };
        const env = this.#deps.actionEnv ? await this.#deps.actionEnv(opened) : {};
        try {
          outcome = await runner.run({
            execution: opened,
            action: e.action,
            pack,
            parameters,
            signal: controller.signal,
            timeoutS,
            emit: (stream, data) => output.write(stream, data),
            env,
            logger: log,
            processGroupStarted,
          });
        } finally {
          await this.#deps
            .actionEnvDone?.(env)
            .catch((err: unknown) =>
              log.warn('could not release the action environment', { error: (err as Error).message }),
            );
        }
      }
    } catch (err) {
      // The message may quote a parameter value: mask it before it reaches the log.
      const message = mask(err instanceof Error ? err.message : String(err));
      log.error('runner failed', { error: message });
      outcome = { status: 'failed', result: { error: `Runner error: ${message}` } };
    } finally {
      clearTimeout(timer);
      this.#running.delete(id);
      metrics.runEnded();
    }
    if (controller.signal.aborted && controller.signal.reason === 'cancel')
      outcome = { ...outcome, status: 'canceled' };
    await output.flush(true);
    await marked;
    if (controller.signal.aborted && controller.signal.reason === 'shutdown') {
      if (await this.#handBack(e, log)) return;
      outcome = { ...outcome, status: 'canceled' };
    }
    // Handed over (a workflow): whoever took it records the end, perhaps already has.
    if (outcome.status === 'running') return;
    if (outcome.status === 'pending') {
      await this.#pend(id, outcome.result, log);
      return;
    }

    const endedAt = new Date().toISOString();
    let result = (secrets.length > 0 ? maskDeep(outcome.result, secrets) : outcome.result) as JsonObject;
    let status = outcome.status;
    // A result the store cannot keep must not leave the execution running forever.
    const tooBig = jsonLimitProblem(result, 'result');
    if (tooBig) {
      result = { error: `The action's result cannot be stored: ${tooBig}` };
      if (status === 'succeeded') status = 'failed';
    }
    const done = await store.executions.update(
      id,
      { expect: { status: ['running', 'canceling'] } },
      {
        status,
        end_timestamp: endedAt,
        result,
        appendLog: { status, timestamp: endedAt },
      },
    );
    if (!done) {
      log.warn('execution changed state while running (marked abandoned?); result dropped');
      return;
    }
    events.updated(done);
    this.#deps.waiters.settle(done);
    await bus.publish('execution.completed', completedMessage(done));
  }

  /** A config that cannot be read or rendered fails the run where its runner loads it; none to mask then. */
  async #configSecrets(e: Execution, log: Logger): Promise<string[]> {
    if (!this.#deps.configSecrets) return [];
    try {
      return await this.#deps.configSecrets(e.action.pack, e.context.user);
    } catch (err) {
      log.debug('pack config secrets unavailable', { error: (err as Error).message });
      return [];
    }
  }

  /** `running → pending`: it waits for an answer (an inquiry already answered has moved on, and wins). */
  async #pend(id: string, result: JsonObject, log: Logger): Promise<void> {
    const ts = new Date().toISOString();
    const pending = await this.#deps.store.executions.update(
      id,
      { expect: { status: 'running' } },
      { status: 'pending', result, appendLog: { status: 'pending', timestamp: ts } },
    );
    if (!pending) {
      log.debug('execution moved on before it was recorded pending');
      return;
    }
    this.#deps.events.updated(pending);
    await this.#deps.bus.publish('execution.pending', { id });
  }
}
