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
  /** Per stream, the end of the output held back because it may be the start of a secret. */
  readonly #carry: Record<OutputStream, string> = { stdout: '', stderr: '' };

  /**
   * @param secrets the secret values `mask` hides. Masking works chunk by chunk, so without them a
   * secret printed in two pieces (two pipe reads, or a pause between them) would reach the stream
   * unmasked in two chunks; with them, output that may be the start of a secret waits for the rest.
   */
  constructor(
    private readonly execution: Execution,
    private readonly deps: { store: Store; bus: Bus; events: ExecutionEvents; logger: Logger },
    private readonly mask: (s: string) => string,
    private readonly secrets: readonly string[] = [],
  ) {}

  write(stream: OutputStream, data: string): void {
    if (data.length === 0) return;
    const carried = this.#carry[stream];
    if (carried !== '') {
      this.#carry[stream] = '';
      data = carried + data;
    }
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

  /**
   * Writes what is pending; resolves when everything written so far is stored. Call it with
   * `final: true` once the run is over, so that output held back as a possible secret goes out too.
   */
  flush(final = false): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const batch = this.#pending;
    this.#pending = [];
    this.#bytes = 0;
    if (final) {
      for (const stream of ['stdout', 'stderr'] as const) {
        if (this.#carry[stream] !== '') batch.push({ stream, data: this.#carry[stream] });
        this.#carry[stream] = '';
      }
    } else if (this.secrets.length > 0) {
      this.#holdBack(batch);
    }
    if (batch.length === 0) return this.#flushing;
    this.#flushing = this.#flushing.then(() => this.#write(batch));
    return this.#flushing;
  }

  /** Moves the end of each stream's last entry into the carry when it may be the start of a secret. */
  #holdBack(batch: { stream: OutputStream; data: string }[]): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      let i = batch.length - 1;
      while (i >= 0 && batch[i]!.stream !== stream) i--;
      const entry = batch[i];
      if (!entry) continue;
      const n = secretPrefixAtEnd(entry.data, this.secrets);
      if (n === 0) continue;
      this.#carry[stream] = entry.data.slice(-n);
      entry.data = entry.data.slice(0, -n);
      if (entry.data === '') batch.splice(i, 1);
    }
  }

  async #write(batch: { stream: OutputStream; data: string }[]): Promise<void> {
    const { store, bus, events, logger } = this.deps;
    try {
      const stored = await store.output.append(
        batch.map((b) => ({ execution_id: this.execution.id, stream: b.stream, data: this.mask(b.data) })),
      );
      for (const c of stored) {
        events.output(this.execution, c);
        await bus.publish('execution.output', {
          execution_id: c.execution_id,
          stream: c.stream,
          data: c.data,
          seq: c.seq,
        });
      }
    } catch (e) {
      // Live output is best effort; the result still carries stdout/stderr.
      logger.warn('could not store output chunk', { executionId: this.execution.id, error: (e as Error).message });
    }
  }
}

/** Length of the longest end of `text` that is the start (not the whole) of one of the secrets. */
export function secretPrefixAtEnd(text: string, secrets: readonly string[]): number {
  let best = 0;
  for (const secret of secrets) {
    for (let n = Math.min(secret.length - 1, text.length); n > best; n--) {
      if (text.endsWith(secret.slice(0, n))) {
        best = n;
        break;
      }
    }
  }
  return best;
}
