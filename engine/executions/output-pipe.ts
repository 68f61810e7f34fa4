import type { Bus } from '../bus/bus.js';
import type { Logger } from '../logger.js';
import type { Execution, OutputStream } from '../model/execution.js';
import type { Store } from '../store/store.js';
import type { ExecutionEvents } from './status-events.js';

const FLUSH_MS = 50;
const FLUSH_BYTES = 64 * 1024;

/**
 * Collects an action's output while it runs and writes it in chunks: stored (for `output` and
 * `execution get`) and published live (for `squall run` and `execution tail`). Secrets are masked
 * before anything leaves this object.
 */
export class OutputPipe {
  #pending: { stream: OutputStream; data: string }[] = [];
  #bytes = 0;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly execution: Execution,
    private readonly deps: { store: Store; bus: Bus; events: ExecutionEvents; logger: Logger },
    private readonly mask: (s: string) => string,
  ) {}

  write(stream: OutputStream, data: string): void {
    if (data.length === 0) return;
    const last = this.#pending[this.#pending.length - 1];
    if (last && last.stream === stream) last.data += data;
    else this.#pending.push({ stream, data });
    this.#bytes += data.length;
    if (this.#bytes >= FLUSH_BYTES) this.#schedule(0);
    else this.#schedule(FLUSH_MS);
  }

  #schedule(ms: number): void {
    if (this.#timer && ms > 0) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, ms);
  }

  /** Writes what is pending; resolves when everything written so far is stored. */
  flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const batch = this.#pending;
    this.#pending = [];
    this.#bytes = 0;
    if (batch.length === 0) return this.#flushing;
    this.#flushing = this.#flushing.then(() => this.#write(batch));
    return this.#flushing;
  }

  async #write(batch: { stream: OutputStream; data: string }[]): Promise<void> {
    const { store, bus, events, logger } = this.deps;
    try {
      const stored = await store.output.append(
        batch.map((b) => ({ execution_id: this.execution.id, stream: b.stream, data: this.mask(b.data) })),
      );
      for (const c of stored) {
        events.output(this.execution, c);
        await bus.publish('execution.output', { execution_id: c.execution_id, stream: c.stream, data: c.data, seq: c.seq });
      }
    } catch (e) {
      // Live output is best effort; the result still carries stdout/stderr.
      logger.warn('could not store output chunk', { executionId: this.execution.id, error: (e as Error).message });
    }
  }
}
