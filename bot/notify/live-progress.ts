import type { Bus, Subscription } from '../../engine/bus/bus.js';
import type { Logger } from '../../engine/logger.js';
import { isTerminal } from '../../engine/model/execution.js';
import type { Store } from '../../engine/store/store.js';
import { durationText } from '../../lib/duration-text.js';
import type { AdapterRegistry } from '../adapter-registry.js';
import type { ChatReply, OutboundMessage, PostedRef } from '../chat-adapter.js';

export interface LiveProgressOptions {
  bus: Bus;
  store: Store;
  adapters: AdapterRegistry;
  logger: Logger;
  /** The first edit comes once an execution has run this long. @default 5000 */
  afterMs?: number;
  /** At most one edit per ack message this often (each platform's outbox paces further). @default 5000 */
  everyMs?: number;
  /** Lines of output shown. @default 8 */
  lines?: number;
  /** How often the tracked executions are looked at. @default 1000 */
  tickMs?: number;
}

interface Tracked {
  ack: PostedRef;
  ackText: string;
  /** The end of the output so far (at most a few KB). */
  tail: string;
  /** Output lines not yet shown, for platforms that cannot edit (they get new lines, not edits). */
  fresh: string;
  lastEditAt: number;
  edits: number;
  busy: boolean;
}

const TAIL_CHARS = 4000;
const KEY_PREFIX = 'progress:';

/** Whether an outbound message's key (PostOptions.key) names a progress message rather than a result. */
export function isProgressKey(key: string | undefined): boolean {
  return key?.startsWith(KEY_PREFIX) === true;
}
const SHOWN_CHARS = 1500;

function lastLines(s: string, n: number): string {
  const lines = s.replace(/\s+$/, '').split('\n');
  const shown = lines.slice(-n).join('\n');
  return shown.length > SHOWN_CHARS ? `…${shown.slice(shown.length - SHOWN_CHARS + 1)}` : shown;
}

/**
 * Live progress in chat: while an execution started from chat runs longer than `afterMs`, its ack
 * message is edited every `everyMs` at most to show the time it has run and the last lines of its
 * output (platforms that cannot edit get the new lines as messages instead). The result consumer
 * calls `finish` before it posts a result, and edits are queued on the same per-channel outbox as
 * the result, so a progress edit never lands on top of the result.
 */
export class LiveProgress {
  readonly #o: Required<Omit<LiveProgressOptions, 'bus' | 'store' | 'adapters' | 'logger'>> & LiveProgressOptions;
  readonly #tracked = new Map<string, Tracked>();
  readonly #log: Logger;
  #sub: Subscription | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(opts: LiveProgressOptions) {
    this.#o = { afterMs: 5000, everyMs: 5000, lines: 8, tickMs: 1000, ...opts };
    this.#log = opts.logger.child({ component: 'chat-progress' });
  }

  async start(): Promise<void> {
    this.#sub = await this.#o.bus.subscribe('execution.output', async (o) => {
      const t = this.#tracked.get(o.execution_id);
      if (!t) return;
      t.tail = (t.tail + o.data).slice(-TAIL_CHARS);
      t.fresh = (t.fresh + o.data).slice(-TAIL_CHARS);
    });
    this.#timer = setInterval(() => void this.#tick(), this.#o.tickMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#sub?.cancel();
    this.#tracked.clear();
  }

  /** Wraps a router reply so that its executions are followed once the ack is posted. */
  watch(reply: ChatReply | undefined): ChatReply | undefined {
    const ids = reply?.executionIds;
    if (!reply || !ids?.length) return reply;
    const posted = reply.onPosted;
    return {
      ...reply,
      onPosted: async (ref) => {
        await posted?.(ref);
        for (const id of ids) this.track(id, ref, reply.message);
      },
    };
  }

  /** Follows an execution whose ack is `ack`. */
  track(executionId: string, ack: PostedRef, ackMessage: OutboundMessage): void {
    // Not started (a process without the bot role): nothing would edit it, or ever forget it.
    if (!this.#timer) return;
    this.#tracked.set(executionId, {
      ack,
      ackText: ackMessage.text,
      tail: '',
      fresh: '',
      lastEditAt: Date.now(),
      edits: 0,
      busy: false,
    });
  }

  /** No more progress for this execution: its result is about to be posted. */
  finish(executionId: string): void {
    this.#tracked.delete(executionId);
  }

  async #tick(): Promise<void> {
    const now = Date.now();
    for (const [id, t] of this.#tracked) {
      if (t.busy || now - t.lastEditAt < (t.edits === 0 ? this.#o.afterMs : this.#o.everyMs)) continue;
      t.busy = true;
      void this.#edit(id, t).finally(() => {
        t.busy = false;
      });
    }
  }

  async #edit(id: string, t: Tracked): Promise<void> {
    try {
      const e = await this.#o.store.executions.get(id);
      if (!e || isTerminal(e.status)) {
        this.#tracked.delete(id);
        return;
      }
      const adapter = this.#o.adapters.find(t.ack.platform, t.ack.channel);
      // Checked again after the await: `finish` may have come meanwhile, and from here to the
      // outbox's enqueue nothing yields, so the result is queued after this edit or not at all.
      if (!adapter || this.#tracked.get(id) !== t) return;
      const elapsed = durationText(Date.now() - Date.parse(e.start_timestamp));
      t.lastEditAt = Date.now();
      t.edits += 1;
      const key = { key: `${KEY_PREFIX}${id}:${t.edits}` };
      if (adapter.capabilities.edit) {
        const shown = lastLines(t.tail, this.#o.lines);
        const msg: OutboundMessage = {
          text: `${t.ackText}\nStill running after ${elapsed}${shown ? '; latest output:' : '.'}`,
          tone: 'info',
          ...(shown ? { code: shown } : {}),
        };
        await adapter.update(t.ack, msg, key);
        return;
      }
      if (!t.fresh.trim()) return;
      const lines = lastLines(t.fresh, this.#o.lines * 4);
      t.fresh = '';
      const target = {
        platform: t.ack.platform,
        channel: t.ack.channel,
        ...(t.ack.thread ? { thread: t.ack.thread } : {}),
      };
      await adapter.post(target, { text: `${e.action.ref} (${elapsed}):\n${lines}`, tone: 'info' }, key);
    } catch (err) {
      this.#log.warn('progress edit failed', { executionId: id, error: (err as Error).message });
    }
  }
}
