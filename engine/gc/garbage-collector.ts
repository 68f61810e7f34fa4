import type { Logger } from '../logger.js';
import { metrics } from '../metrics/metrics.js';
import type { Store } from '../store/store.js';
import { GC_COLLECTIONS } from './gc-collections.js';

/** Rows deleted per store call: large backlogs go in steps that never hold the store for long. */
const BATCH = 1000;

/** Retention per collection key (`gc.<key>`) in ms, with the text it was given as; absent: kept forever. */
export type GcRetention = Readonly<Record<string, { ms: number; text: string } | undefined>>;

export interface GcCollectionReport {
  collection: string;
  description: string;
  /** Retention as configured, `null` when the collection is kept forever. */
  retention: string | null;
  retention_s: number | null;
  /** ISO: records older than this are (or would be) deleted. */
  older_than: string | null;
  /** Deleted, or with `dry_run` the number that would be. */
  count: number;
}

export interface GcReport {
  dry_run: boolean;
  started_at: string;
  collections: GcCollectionReport[];
  total: number;
}

/**
 * Deletes what is older than its retention, collection by collection (GC_COLLECTIONS), or with
 * `dryRun` counts what it would delete. The `gc` role runs it periodically under a lease; the API's
 * `POST /api/v1/gc` runs it on demand. Running twice at once is safe: every delete is conditional.
 */
export class GarbageCollector {
  readonly #store: Store;
  readonly #retention: GcRetention;
  readonly #log: Logger;

  constructor(deps: { store: Store; logger: Logger; retention: GcRetention }) {
    this.#store = deps.store;
    this.#retention = deps.retention;
    this.#log = deps.logger.child({ component: 'gc' });
  }

  async run(opts: { dryRun?: boolean; now?: number } = {}): Promise<GcReport> {
    const now = opts.now ?? Date.now();
    const dryRun = opts.dryRun === true;
    const reports: GcCollectionReport[] = [];
    for (const c of GC_COLLECTIONS) {
      const kept = this.#retention[c.key];
      const base = { collection: c.key, description: c.label };
      if (kept === undefined) {
        reports.push({ ...base, retention: null, retention_s: null, older_than: null, count: 0 });
        continue;
      }
      const before = new Date(now - kept.ms).toISOString();
      let count = 0;
      if (dryRun) {
        count = await c.purge(this.#store, { before, dryRun: true });
      } else {
        for (;;) {
          const n = await c.purge(this.#store, { before, limit: BATCH });
          count += n;
          metrics.gcDeleted(c.key, n);
          if (n < BATCH) break;
          // Let the process answer requests between batches.
          await new Promise((r) => setImmediate(r));
        }
      }
      reports.push({ ...base, retention: kept.text, retention_s: kept.ms / 1000, older_than: before, count });
    }
    const total = reports.reduce((n, r) => n + r.count, 0);
    if (!dryRun && total > 0) {
      this.#log.info('garbage collected', Object.fromEntries(reports.map((r) => [r.collection, r.count])));
    }
    return { dry_run: dryRun, started_at: new Date(now).toISOString(), collections: reports, total };
  }
}

/** Runs the collector every `everyMs` until stopped; a failed run is logged and the next one tries again. */
export function startGarbageCollection(deps: { collector: GarbageCollector; everyMs: number; logger: Logger }): {
  stop(): Promise<void>;
} {
  let running: Promise<unknown> | undefined;
  let stopped = false;
  const tick = (): void => {
    // A run longer than the interval is not joined by a second one.
    if (stopped || running) return;
    running = deps.collector
      .run()
      .catch((e: unknown) => {
        deps.logger.warn('garbage collection failed; will try again', {
          component: 'gc',
          error: (e as Error).message,
        });
      })
      .finally(() => {
        running = undefined;
      });
  };
  tick();
  const timer = setInterval(tick, deps.everyMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
