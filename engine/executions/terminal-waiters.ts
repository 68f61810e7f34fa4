import { type Execution, isTerminal } from '../model/execution.js';
import type { Store } from '../store/store.js';

type Resolve = (e: Execution | undefined) => void;

/**
 * Lets callers await an execution's end. Terminal states reached in this process settle waiters at
 * once; for executions finished by another process (cluster roles) waiters poll the store slowly.
 */
export class TerminalWaiters {
  readonly #store: Store;
  readonly #waiting = new Map<string, Set<Resolve>>();
  readonly #pollMs: number;

  constructor(store: Store, opts: { pollMs?: number } = {}) {
    this.#store = store;
    this.#pollMs = opts.pollMs ?? 250;
  }

  settle(e: Execution): void {
    const set = this.#waiting.get(e.id);
    if (!set) return;
    this.#waiting.delete(e.id);
    for (const r of set) r(e);
  }

  async wait(id: string, timeoutMs = 60_000): Promise<Execution | undefined> {
    // Register before reading, so that a settle between the read and the registration is not missed.
    return new Promise<Execution | undefined>((resolve) => {
      let done = false;
      const set = this.#waiting.get(id) ?? new Set<Resolve>();
      this.#waiting.set(id, set);
      const finish: Resolve = (e) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        clearInterval(poll);
        set.delete(finish);
        if (set.size === 0 && this.#waiting.get(id) === set) this.#waiting.delete(id);
        resolve(e);
      };
      set.add(finish);
      const timer = setTimeout(() => {
        void this.#store.executions.get(id).then(finish, () => finish(undefined));
      }, timeoutMs);
      const poll = setInterval(() => {
        void this.#store.executions.get(id).then(
          (e) => {
            if (e && isTerminal(e.status)) finish(e);
          },
          () => {},
        );
      }, this.#pollMs);
      timer.unref?.();
      poll.unref?.();
      void this.#store.executions.get(id).then(
        (e) => {
          if (!e || isTerminal(e.status)) finish(e);
        },
        () => finish(undefined),
      );
    });
  }
}
