import { setTimeout as delay } from 'node:timers/promises';
import { Sleeper } from '../lib/sleeper.js';
import type { ApiClient, StreamHandle } from './api-client.js';
import { type ExecutionJson, isTerminalStatus } from './execution-view.js';

/** One chunk of live output, from a `st2.execution_output__create` event. */
export interface OutputEvent {
  execution_id: string;
  stream: 'stdout' | 'stderr';
  data: string;
}

/** StackStorm's name for output chunks; Squall's server publishes this one. */
export const OUTPUT_EVENT = 'st2.execution_output__create';
/** The name the CLI's brief used; also listened to, so either server spelling streams. */
export const OUTPUT_EVENT_ALT = 'st2.execution__output';
export const UPDATE_EVENT = 'st2.execution__update';

export type WatchEnd = 'terminal' | 'timeout' | 'interrupted';

export interface WatchResult {
  execution: ExecutionJson;
  end: WatchEnd;
  /** What was written live, per stream, so the final print can add only what was missed. */
  streamed: { stdout: string; stderr: string };
}

/**
 * A live view of executions' output and state. Open it *before* requesting an execution so that no
 * early output is missed; events for executions nobody watches are dropped.
 */
export class ExecutionWatcher {
  readonly #api: ApiClient;
  readonly #onOutput: (chunk: OutputEvent) => void;
  readonly #stream: StreamHandle | undefined;
  readonly #buffer: OutputEvent[] = [];
  #watching: string | undefined;
  #finalSeen: ExecutionJson | undefined;
  /** The poll's pause, cut short by a final update event or `close()`. */
  readonly #pause = new Sleeper();
  readonly streamed = { stdout: '', stderr: '' };

  private constructor(api: ApiClient, onOutput: (chunk: OutputEvent) => void, live: boolean, executionId?: string) {
    this.#api = api;
    this.#onOutput = onOutput;
    this.#watching = executionId;
    this.#stream = live
      ? api.stream({
          events: [OUTPUT_EVENT, OUTPUT_EVENT_ALT, UPDATE_EVENT],
          query: executionId ? { execution_ids: executionId } : undefined,
          onEvent: (e) => this.#handle(e.event, e.data),
        })
      : undefined;
  }

  /**
   * Opens the stream (when `live`) and waits up to `openTimeoutMs` for it. A server without the
   * stream, or one that refuses it, leaves a watcher that polls only.
   */
  static async open(
    api: ApiClient,
    opts: { live: boolean; executionId?: string; onOutput: (chunk: OutputEvent) => void; openTimeoutMs?: number },
  ): Promise<ExecutionWatcher> {
    const w = new ExecutionWatcher(api, opts.onOutput, opts.live, opts.executionId);
    if (w.#stream) await Promise.race([w.#stream.opened, delay(opts.openTimeoutMs ?? 2000, undefined, { ref: false })]);
    return w;
  }

  /** Whether live output is flowing (false: polling only). */
  get live(): boolean {
    return this.#stream !== undefined;
  }

  /**
   * Follows `executionId` until it ends, `timeoutMs` passes, or `signal` aborts. Polls
   * `GET /executions/{id}` as well: the stream gives output, the poll guarantees the end is seen
   * even when an update event is lost or the stream is down.
   */
  async follow(
    executionId: string,
    opts: { timeoutMs?: number; signal?: AbortSignal; pollMs?: number } = {},
  ): Promise<WatchResult> {
    this.#watching = executionId;
    for (const chunk of this.#buffer.splice(0)) if (chunk.execution_id === executionId) this.#emit(chunk);
    const deadline = opts.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + opts.timeoutMs;
    const pollMs = opts.pollMs ?? (this.live ? 500 : 250);
    let current = await this.#get(executionId);
    for (;;) {
      if (isTerminalStatus(current.status)) break;
      if (opts.signal?.aborted) return this.#result(current, 'interrupted');
      if (Date.now() >= deadline) return this.#result(current, 'timeout');
      await this.#pause.sleep(Math.min(pollMs, deadline - Date.now()), { signal: opts.signal });
      current = this.#finalSeen ?? (await this.#get(executionId));
    }
    // The update event may carry a trimmed execution; the API's copy has the whole result.
    if (this.#finalSeen) current = await this.#get(executionId);
    return this.#result(current, 'terminal');
  }

  close(): void {
    this.#stream?.close();
    this.#pause.wakeAll();
  }

  #result(execution: ExecutionJson, end: WatchEnd): WatchResult {
    return { execution, end, streamed: { ...this.streamed } };
  }

  #get(id: string): Promise<ExecutionJson> {
    return this.#api.get<ExecutionJson>(`/api/v1/executions/${encodeURIComponent(id)}`);
  }

  #handle(event: string, data: unknown): void {
    if (!data || typeof data !== 'object') return;
    if (event === OUTPUT_EVENT || event === OUTPUT_EVENT_ALT) {
      const chunk = toOutputEvent(data as Record<string, unknown>);
      if (!chunk) return;
      if (this.#watching === undefined) this.#buffer.push(chunk);
      else if (chunk.execution_id === this.#watching) this.#emit(chunk);
    } else if (event === UPDATE_EVENT) {
      const e = data as Partial<ExecutionJson>;
      if (e.id && e.id === this.#watching && typeof e.status === 'string' && isTerminalStatus(e.status)) {
        this.#finalSeen = e as ExecutionJson;
        this.#pause.wakeAll();
      }
    }
  }

  #emit(chunk: OutputEvent): void {
    this.streamed[chunk.stream] += chunk.data;
    this.#onOutput(chunk);
  }
}

/** Accepts Squall's `{stream}` and StackStorm's `{output_type}` spelling of the same event. */
function toOutputEvent(d: Record<string, unknown>): OutputEvent | undefined {
  const stream = d.stream ?? d.output_type;
  if (typeof d.execution_id !== 'string' || typeof d.data !== 'string') return undefined;
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  return { execution_id: d.execution_id, stream, data: d.data };
}

/**
 * What of `full` was not shown live: the rest when the live text is its beginning, all of it when
 * nothing was shown, nothing when they differ (the server trimmed or cut the stored copy).
 */
export function unseenRemainder(full: string, streamed: string): string {
  if (!streamed) return full;
  if (full.startsWith(streamed)) return full.slice(streamed.length);
  return '';
}
