import { backoffDelay } from '../../lib/backoff.js';
import type { Bus } from '../bus/bus.js';
import type { Logger } from '../logger.js';
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
}

const PAGE = 500;

/**
 * Nothing is left behind: `requested`/`scheduled` executions whose message was lost are published
 * again, and `running`/`canceling` ones whose runner stopped heart-beating are marked `abandoned`.
 */
export class Sweeper {
  #timer: NodeJS.Timeout | undefined;
  #sweeping = false;
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
    opts: { requeueOlderThanMs?: number; abandonOlderThanMs?: number } = {},
  ): Promise<{ requeued: number; abandoned: number }> {
    if (this.#sweeping) return { requeued: 0, abandoned: 0 };
    this.#sweeping = true;
    try {
      const requeued = await this.#requeue(opts.requeueOlderThanMs ?? this.deps.requeueAfterMs);
      const abandoned = await this.#abandon(opts.abandonOlderThanMs ?? this.deps.abandonAfterMs);
      if (requeued + abandoned > 0) this.#log.info('sweep', { requeued, abandoned });
      return { requeued, abandoned };
    } catch (e) {
      this.#log.error('sweep failed', { error: (e as Error).message });
      return { requeued: 0, abandoned: 0 };
    } finally {
      this.#sweeping = false;
    }
  }

  async #requeue(olderThanMs: number): Promise<number> {
    const { store, bus } = this.deps;
    const before = new Date(Date.now() - olderThanMs).toISOString();
    let n = 0;
    const now = Date.now();
    for (const status of ['requested', 'scheduled'] as const) {
      let offset = 0;
      for (;;) {
        const page = await store.executions.list({ status, updatedBefore: before, limit: PAGE, offset, order: 'asc' });
        let touched = 0;
        for (const e of page.items) {
          // Back off per execution: one that merely waits behind a busy runner is not re-sent every sweep.
          const due =
            Date.parse(e.updated_at) + backoffDelay(e.attempts + 1, { baseMs: olderThanMs, maxMs: olderThanMs * 64 });
          if (olderThanMs > 0 && due > now) {
            offset++;
            continue;
          }
          // Bumping `attempts` by compare-and-set also moves updated_at, so a second sweeper skips it.
          const claimed = await store.executions.update(e.id, { expect: { status } }, { attempts: e.attempts + 1 });
          if (!claimed) continue;
          touched++;
          await bus.publish(status === 'requested' ? 'execution.requested' : 'execution.scheduled', { id: e.id });
        }
        n += touched;
        if (page.items.length < PAGE) break;
      }
    }
    return n;
  }

  async #abandon(olderThanMs: number): Promise<number> {
    const { store, bus, events, waiters } = this.deps;
    const before = new Date(Date.now() - olderThanMs).toISOString();
    let n = 0;
    for (;;) {
      const page = await store.executions.list({
        status: ['running', 'canceling'],
        heartbeatBefore: before,
        limit: PAGE,
        order: 'asc',
      });
      let touched = 0;
      for (const e of page.items) {
        const ts = new Date().toISOString();
        const done = await store.executions.update(
          e.id,
          { expect: { status: e.status } },
          {
            status: 'abandoned',
            end_timestamp: ts,
            result: {
              error: `The runner (${e.worker ?? 'unknown'}) stopped while the action was running; its outcome is unknown, so it was not run again.`,
            },
            appendLog: { status: 'abandoned', timestamp: ts },
          },
        );
        if (!done) continue;
        touched++;
        events.updated(done);
        waiters.settle(done);
        await bus.publish('execution.completed', { id: e.id });
      }
      n += touched;
      if (page.items.length < PAGE || touched === 0) break;
    }
    return n;
  }
}
