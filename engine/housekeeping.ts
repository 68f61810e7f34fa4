import type { Logger } from './logger.js';
import type { Store } from './store/store.js';

export interface HousekeepingOptions {
  /** How long stream events stay available for Last-Event-ID resume. @default 24 h */
  eventsTtlMs?: number;
  /** @default 10 min */
  everyMs?: number;
}

/**
 * Drops what only matters for a while: expired tokens (every shell action gets a short-lived one)
 * and stream events older than the resume window.
 */
export class Housekeeping {
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: { store: Store; logger: Logger },
    private readonly opts: HousekeepingOptions = {},
  ) {}

  start(): void {
    void this.run();
    this.#timer = setInterval(() => void this.run(), this.opts.everyMs ?? 600_000);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

  async run(): Promise<{ tokens: number; events: number }> {
    const now = Date.now();
    try {
      const tokens = await this.deps.store.tokens.deleteExpired(new Date(now).toISOString());
      const events = await this.deps.store.events.prune(
        new Date(now - (this.opts.eventsTtlMs ?? 86_400_000)).toISOString(),
      );
      if (tokens + events > 0) this.deps.logger.debug('housekeeping', { tokens, events });
      return { tokens, events };
    } catch (e) {
      this.deps.logger.warn('housekeeping failed', { error: (e as Error).message });
      return { tokens: 0, events: 0 };
    }
  }
}
