import { backoffDelay } from '../../lib/backoff.js';
import { type OrphanStop, type ProcessGroupMark, stopOrphanGroup } from '../../lib/process-groups.js';
import { type Bus, completedMessage } from '../bus/bus.js';
import type { Logger } from '../logger.js';
import type { Execution } from '../model/execution.js';
import type { Store } from '../store/store.js';
import type { ExecutionEvents } from './status-events.js';
import type { TerminalWaiters } from './terminal-waiters.js';

export interface SweeperDeps {
  store: Store;
  bus: Bus;
  logger: Logger;
  events: ExecutionEvents;
  waiters: TerminalWaiters;
  requeueAfterMs: number;
  abandonAfterMs: number;
  sweepMs: number;
  /** How long an abandoned execution's leftover processes get between SIGTERM and SIGKILL. @default 2000 */
  orphanGraceMs?: number;
  /**
   * Runner types whose executions no runner heart-beats once handed over (workflows): their engine
   * recovers them, so they are never taken for a dead runner's. @default none
   */
  handedOver?: ReadonlySet<string>;
}

const PAGE = 500;

/**
 * Nothing is left behind: `requested`/`scheduled` executions whose message was lost are published
 * again, and `running`/`canceling` ones whose runner stopped heart-beating are marked `abandoned`.
 */
export class Sweeper {
  #timer: NodeJS.Timeout | undefined;
  #sweeping = false;
  readonly #background = new Set<Promise<void>>();
  readonly #log: Logger;

  constructor(private readonly deps: SweeperDeps) {
    this.#log = deps.logger.child({ component: 'sweeper' });
  }

  start(): void {
    this.#timer = setInterval(() => void this.sweep(), this.deps.sweepMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

  /**
   * One pass. `orphansOnly: false` with `olderThanMs: 0` is the embedded start-up recovery: this
   * process is the only runner, so whatever the store still holds as running belonged to a dead one.
   */
  async sweep(
    opts: { requeueOlderThanMs?: number; abandonOlderThanMs?: number; only?: 'abandon' | 'requeue' } = {},
  ): Promise<{ requeued: number; abandoned: number }> {
    if (this.#sweeping) return { requeued: 0, abandoned: 0 };
    this.#sweeping = true;
    try {
      // Two passes, each on its own: a failure in one (the store briefly away) must not skip the other.
      // Abandon first: what the requeue pass sends may start running at once, and must not then be
      // taken for a run whose runner died.
      const abandoned =
        opts.only === 'requeue'
          ? 0
          : await this.#pass('abandon', () => this.#abandon(opts.abandonOlderThanMs ?? this.deps.abandonAfterMs));
      const requeued =
        opts.only === 'abandon'
          ? 0
          : await this.#pass('requeue', () => this.#requeue(opts.requeueOlderThanMs ?? this.deps.requeueAfterMs));
      if (requeued + abandoned > 0) this.#log.info('sweep', { requeued, abandoned });
      return { requeued, abandoned };
    } finally {
      this.#sweeping = false;
    }
  }

  async #pass(name: string, run: () => Promise<number>): Promise<number> {
    try {
      return await run();
    } catch (e) {
      this.#log.error('sweep failed', { pass: name, error: (e as Error).message });
      return 0;
    }
  }

  /**
   * Runs `handle` on one row, logging and skipping it when it throws: one row the store cannot
   * change must never stop the sweep of the rows after it. `lost` is a compare-and-set someone else
   * won: the row has moved on, out of the sweep's query.
   */
  async #row(e: Execution, pass: string, handle: () => Promise<boolean>): Promise<'done' | 'lost' | 'failed'> {
    try {
      return (await handle()) ? 'done' : 'lost';
    } catch (err) {
      this.#log.error('sweep skipped an execution it could not change', {
        pass,
        executionId: e.id,
        error: (err as Error).message,
      });
      return 'failed';
    }
  }

  async #requeue(olderThanMs: number): Promise<number> {
    const { store, bus } = this.deps;
    const before = new Date(Date.now() - olderThanMs).toISOString();
    let n = 0;
    const now = Date.now();
    for (const status of ['requested', 'scheduled'] as const) {
      // Rows left in place (not due yet, or failed) are stepped over; requeued ones leave the
      // `updatedBefore` window, because the claim moves updated_at.
      let offset = 0;
      for (;;) {
        const page = await store.executions.list({ status, updatedBefore: before, limit: PAGE, offset, order: 'asc' });
        for (const e of page.items) {
          // Back off per execution: one that merely waits behind a busy runner is not re-sent every sweep.
          const due =
            Date.parse(e.updated_at) + backoffDelay(e.attempts + 1, { baseMs: olderThanMs, maxMs: olderThanMs * 64 });
          if (olderThanMs > 0 && due > now) {
            offset++;
            continue;
          }
          const outcome = await this.#row(e, 'requeue', async () => {
            // Bumping `attempts` by compare-and-set also moves updated_at, so a second sweeper skips it.
            const claimed = await store.executions.update(e.id, { expect: { status } }, { attempts: e.attempts + 1 });
            if (!claimed) return false;
            await bus.publish(status === 'requested' ? 'execution.requested' : 'execution.scheduled', { id: e.id });
            return true;
          });
          if (outcome === 'done') n++;
          else if (outcome === 'failed') offset++;
        }
        if (page.items.length < PAGE) break;
      }
    }
    return n;
  }

  /** Stops what is left of an abandoned execution's process group; its result says what happened. */
  async #stopOrphans(e: Execution, mark: ProcessGroupMark, error: string): Promise<Execution> {
    const stop = await stopOrphanGroup(mark, { graceMs: this.deps.orphanGraceMs ?? 2000 });
    if (stop.outcome === 'stopped') {
      this.#log.warn('stopped the processes of an abandoned execution', {
        executionId: e.id,
        pgid: mark.pgid,
        members: stop.members,
        signal: stop.signal,
      });
    }
    const result = {
      error: `${error} ${orphanNote(mark, stop)}`,
      process_group: {
        pgid: mark.pgid,
        host: mark.host,
        outcome: stop.outcome,
        ...(stop.signal ? { signal: stop.signal } : {}),
      },
    };
    return (await this.deps.store.executions.update(e.id, { expect: { status: 'abandoned' } }, { result })) ?? e;
  }

  #track(work: Promise<void>): void {
    const p = work
      .catch((err: unknown) => this.#log.warn('stopping leftover processes failed', { error: (err as Error).message }))
      .finally(() => this.#background.delete(p));
    this.#background.add(p);
  }

  /** Resolves when the leftover process groups found so far are dealt with (for a clean stop and tests). */
  async settled(): Promise<void> {
    while (this.#background.size > 0) await Promise.all([...this.#background]);
  }

  async #abandon(olderThanMs: number): Promise<number> {
    const { store, bus, events, waiters } = this.deps;
    const before = new Date(Date.now() - olderThanMs).toISOString();
    let n = 0;
    let offset = 0;
    for (;;) {
      const page = await store.executions.list({
        status: ['running', 'canceling'],
        heartbeatBefore: before,
        limit: PAGE,
        offset,
        order: 'asc',
      });
      for (const e of page.items) {
        if (this.deps.handedOver?.has(e.runner_type)) {
          offset++;
          continue;
        }
        const outcome = await this.#row(e, 'abandon', async () => {
          const ts = new Date().toISOString();
          const error = `The runner (${e.worker ?? 'unknown'}) stopped while the action was running; its outcome is unknown, so it was not run again.`;
          const updated = await store.executions.update(
            e.id,
            { expect: { status: e.status } },
            {
              status: 'abandoned',
              end_timestamp: ts,
              result: { error },
              appendLog: { status: 'abandoned', timestamp: ts },
            },
          );
          if (!updated) return false;
          const announce = async (final: Execution): Promise<void> => {
            events.updated(final);
            waiters.settle(final);
            await bus.publish('execution.completed', completedMessage(final));
          };
          // Only once it is ours to end: a runner killed with -9 leaves its children running. Stopped
          // beside the pass (a stubborn group takes the SIGKILL grace), announced once the result says so.
          if (e.process_group) this.#track(this.#stopOrphans(updated, e.process_group, error).then(announce));
          else await announce(updated);
          return true;
        });
        if (outcome === 'done') n++;
        else if (outcome === 'failed') offset++;
      }
      if (page.items.length < PAGE) break;
    }
    return n;
  }
}

/** What became of an abandoned execution's process group, for its result. */
function orphanNote(mark: ProcessGroupMark, stop: OrphanStop): string {
  switch (stop.outcome) {
    case 'stopped':
      return `Its process group ${mark.pgid} was still running on this host and was stopped (${stop.signal === 'SIGKILL' ? 'SIGTERM, then SIGKILL' : 'SIGTERM'}).`;
    case 'gone':
      return `Its process group ${mark.pgid} had already ended.`;
    case 'elsewhere':
      return `Its process group ${mark.pgid} ran on ${mark.host} (or before a reboot), where this process cannot stop it; it may still be running there.`;
    case 'unverifiable':
      return `Its process group ${mark.pgid} could not be checked on this platform (no /proc) and was left alone.`;
  }
}
