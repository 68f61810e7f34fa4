export interface SleepOptions {
  /** Ends the sleep early when aborted (the sleep resolves; it does not reject). */
  signal?: AbortSignal;
  /** Lets the process exit while this sleep is pending. @default false */
  unref?: boolean;
}

/**
 * Sleeps that can be cut short: `wakeAll()` ends every pending sleep at once, so a retry loop or a
 * poller notices a stop or a state change without waiting out its delay.
 *
 * @example
 * const sleeper = new Sleeper();
 * while (!stopped) { await sleeper.sleep(delay); ... }   // stop(): stopped = true; sleeper.wakeAll();
 */
export class Sleeper {
  readonly #pending = new Set<() => void>();

  /** Resolves after `ms`, or earlier on `wakeAll()` or an abort of `signal`. */
  sleep(ms: number, opts: SleepOptions = {}): Promise<void> {
    return new Promise((resolve) => {
      const { signal } = opts;
      const wake = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', wake);
        this.#pending.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, ms));
      if (opts.unref) timer.unref();
      if (signal?.aborted) {
        wake();
        return;
      }
      signal?.addEventListener('abort', wake, { once: true });
      this.#pending.add(wake);
    });
  }

  /** Number of sleeps not yet over. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Ends every pending sleep now. */
  wakeAll(): void {
    for (const wake of [...this.#pending]) wake();
  }
}
