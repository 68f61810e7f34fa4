import type { Bus } from '../bus/bus.js';
import type { Logger } from '../logger.js';
import type { TriggerInstanceStatus } from '../model/trigger.js';
import type { Store } from '../store/store.js';

export interface TriggerInstanceSweeperDeps {
  store: Store;
  bus: Bus;
  logger: Logger;
  /** An instance still `pending` or `processing` this long after its last change is taken as lost. @default 60 s */
  staleAfterMs?: number;
  /** @default 30 s */
  sweepMs?: number;
}

const PAGE = 500;

/**
 * Nothing accepted is lost: a trigger instance whose message went missing (a publish that failed, the
 * in-process bus before the rules role subscribed) stays `pending`, and one whose consumer died stays
 * `processing`. The sweep puts each back to `pending` by compare-and-set (so two sweepers never both
 * take it) and publishes its id again. The rules role enforces each (instance, rule) pair at most once,
 * so an instance taken back from a consumer that was merely slow does not run its actions twice.
 */
export class TriggerInstanceSweeper {
  #timer: NodeJS.Timeout | undefined;
  #sweeping = false;
  readonly #log: Logger;

  constructor(private readonly deps: TriggerInstanceSweeperDeps) {
    this.#log = deps.logger.child({ component: 'trigger-sweeper' });
  }

  start(): void {
    this.#timer = setInterval(() => void this.sweep(), this.deps.sweepMs ?? 30_000);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

  /** One pass; `olderThanMs: 0` is start-up recovery when this process is the only rules engine. */
  async sweep(opts: { olderThanMs?: number } = {}): Promise<number> {
    if (this.#sweeping) return 0;
    this.#sweeping = true;
    try {
      const age = opts.olderThanMs ?? this.deps.staleAfterMs ?? 60_000;
      // 0 means every one, including those changed within this millisecond.
      const before = age > 0 ? new Date(Date.now() - age).toISOString() : undefined;
      let n = 0;
      for (const status of ['pending', 'processing'] as const) n += await this.#pass(status, before);
      if (n > 0) this.#log.info('trigger instances published again', { count: n });
      return n;
    } catch (e) {
      this.#log.error('trigger instance sweep failed', { error: (e as Error).message });
      return 0;
    } finally {
      this.#sweeping = false;
    }
  }

  async #pass(status: TriggerInstanceStatus, before: string | undefined): Promise<number> {
    const { store, bus } = this.deps;
    let n = 0;
    // Processing rows taken leave the query (they become pending), so only failed ones are stepped
    // over; pending rows stay pending (in the same place, ordered by occurrence time), so each is.
    let offset = 0;
    for (;;) {
      const page = await store.triggerInstances.list({
        status,
        ...(before ? { updatedBefore: before } : {}),
        limit: PAGE,
        offset,
        order: 'asc',
      });
      for (const t of page.items) {
        try {
          if (status === 'pending') offset++;
          // Moves updated_at, so a second sweeper (or the next pass) leaves it alone for a while.
          const taken = await store.triggerInstances.setStatus(t.id, [status], 'pending');
          if (!taken) continue;
          await bus.publish('trigger.instance', { id: t.id });
          n++;
        } catch (e) {
          if (status !== 'pending') offset++;
          this.#log.error('sweep skipped a trigger instance', { id: t.id, error: (e as Error).message });
        }
      }
      if (page.items.length < PAGE) return n;
    }
  }
}
