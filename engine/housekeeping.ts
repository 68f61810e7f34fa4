import type { Logger } from './logger.js';
import type { Store } from './store/store.js';

export interface HousekeepingOptions {
  /** @default 10 min */
  everyMs?: number;
}

/**
 * Drops expired tokens (every shell action gets a short-lived one). Records kept for a configured
 * time (executions, stream events, trigger instances...) are the garbage collector's (engine/gc/).
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

  async run(): Promise<{ tokens: number }> {
    try {
      const tokens = await this.deps.store.tokens.deleteExpired(new Date().toISOString());
      if (tokens > 0) this.deps.logger.debug('housekeeping', { tokens });
      return { tokens };
    } catch (e) {
      this.deps.logger.warn('housekeeping failed', { error: (e as Error).message });
      return { tokens: 0 };
    }
  }
}
