import type { Bus } from '../../engine/bus/bus.js';
import type { Logger } from '../../engine/logger.js';
import { isTerminal } from '../../engine/model/execution.js';
import type { Store } from '../../engine/store/store.js';

export function postedKey(executionId: string, route: string): string {
  return `chat:posted:${executionId}:${route}`;
}

/** Records that a chat command's result is owed, before anything can go wrong on the way. */
export async function owePendingResult(store: Store, executionId: string, route: string): Promise<void> {
  await store.owedResults.owe(executionId, route);
}

/**
 * The safety net under result delivery: the in-process bus forgets messages when the process dies,
 * and a notifier can die between an execution's end and its notification. Every owed result is in
 * the store until posted; this sweep re-sends the notification for owed results of finished
 * executions, and forgets those already posted.
 */
export class PendingResults {
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: { store: Store; bus: Bus; logger: Logger; graceMs?: number; everyMs?: number }) {}

  start(): void {
    void this.sweep();
    this.#timer = setInterval(() => void this.sweep(), this.deps.everyMs ?? 5_000);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

  async sweep(): Promise<number> {
    const { store, bus } = this.deps;
    const grace = this.deps.graceMs ?? 3_000;
    let resent = 0;
    try {
      for (const { execution_id: id, route } of await store.owedResults.list()) {
        if ((await store.marks.get(postedKey(id, route))) !== undefined) {
          await store.owedResults.settle(id);
          continue;
        }
        const e = await store.executions.get(id);
        if (!e) {
          await store.owedResults.settle(id);
          continue;
        }
        if (!isTerminal(e.status)) continue;
        const ended = Date.parse(e.end_timestamp ?? e.updated_at);
        if (Date.now() - ended < grace) continue;
        await bus.publish('notify.chat', { execution_id: id, route });
        resent++;
      }
      // Once-only keys (Slack event ids, ...) are only needed while a platform may still retry.
      await store.dedup.prune(new Date(Date.now() - 86_400_000).toISOString());
    } catch (err) {
      this.deps.logger.warn('pending chat results sweep failed', { error: (err as Error).message });
    }
    return resent;
  }
}
