import type { Bus, StreamBroadcast, Subscription } from '../bus/bus.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';

/** What one SSE client asked for (StackStorm's `events`, `action_refs`, `execution_ids` query parameters). */
export interface StreamFilter {
  /** Event names or prefixes ending in `*` (e.g. `st2.announcement__*`). Empty means StackStorm's default set. */
  events: string[];
  actionRefs: string[];
  executionIds: string[];
}

/** StackStorm's default whitelist when a client names no events. */
const DEFAULT_EVENTS = [
  'st2.announcement__*',
  'st2.execution__create',
  'st2.execution__update',
  'st2.execution__delete',
  'st2.liveaction__create',
  'st2.liveaction__update',
  'st2.liveaction__delete',
];

function eventMatches(patterns: readonly string[], event: string): boolean {
  return patterns.some((p) => (p.endsWith('*') ? event.startsWith(p.slice(0, -1)) : p === event));
}

export function matchesFilter(f: StreamFilter, e: StreamBroadcast): boolean {
  if (!eventMatches(f.events.length > 0 ? f.events : DEFAULT_EVENTS, e.event)) return false;
  if (f.executionIds.length > 0) {
    const id = (e.data.execution_id ?? e.data.id) as unknown;
    if (typeof id !== 'string' || !f.executionIds.includes(id)) return false;
  }
  if (f.actionRefs.length > 0) {
    const action = e.data.action as { ref?: unknown } | undefined;
    const ref = (e.data.action_ref ?? action?.ref) as unknown;
    if (typeof ref !== 'string' || !f.actionRefs.includes(ref)) return false;
  }
  return true;
}

type Listener = (e: StreamBroadcast) => void;

const REPLAY_PAGE = 500;
/** How long after a replay live broadcasts are still checked against it (far more than bus latency). */
const REPLAY_DEDUP_MS = 30_000;

/**
 * Fans the bus's `stream.event` broadcast out to this process's SSE clients, and replays stored
 * events after a client's Last-Event-ID so that a reconnect loses nothing.
 */
export class StreamHub {
  readonly #listeners = new Set<Listener>();
  #sub: Subscription | undefined;
  #started = false;
  /** Subscribes and cancels one at a time, in the order clients came and went. */
  #reconciling: Promise<void> = Promise.resolve();

  constructor(private readonly deps: { store: Store; bus: Bus; logger: Logger }) {}

  async start(): Promise<void> {
    this.#started = true;
    await this.#reconcile();
  }

  async stop(): Promise<void> {
    this.#started = false;
    this.#listeners.clear();
    await this.#reconcile();
  }

  /** Whether the hub holds a bus subscription (only while a client listens). */
  get subscribed(): boolean {
    return this.#sub !== undefined;
  }

  readonly #fanOut = async ({ events }: { events: StreamBroadcast[] }): Promise<void> => {
    for (const e of events) {
      for (const l of this.#listeners) {
        // One client whose socket broke must not cost the others this event.
        try {
          l(e);
        } catch (err) {
          this.deps.logger.warn('stream client failed to take an event', { id: e.id, error: (err as Error).message });
        }
      }
    }
  };

  /**
   * Holds the bus subscription only while some client listens: each subscriber gets its own copy of
   * every broadcast, parsed, and with nobody to pass it to that was about a tenth of the garbage an
   * execution left in embedded mode (150 -> 134 KB), which sets how often scavenges pause it.
   */
  #reconcile(): Promise<void> {
    const next = this.#reconciling
      .catch(() => {})
      .then(async () => {
        const want = this.#started && this.#listeners.size > 0;
        if (want && this.#sub === undefined) {
          this.#sub = await this.deps.bus.subscribe('stream.events', this.#fanOut);
        } else if (!want && this.#sub !== undefined) {
          const sub = this.#sub;
          this.#sub = undefined;
          await sub.cancel();
        }
      });
    this.#reconciling = next;
    return next;
  }

  /**
   * Attaches a client. Events after `lastEventId` are replayed first from the store; live events
   * that arrive during the replay are held back and de-duplicated by id, so order is kept.
   */
  async attach(filter: StreamFilter, lastEventId: number | undefined, send: Listener): Promise<() => void> {
    let replaying = lastEventId !== undefined;
    const held: StreamBroadcast[] = [];
    // Ids delivered by the replay; live events can arrive from several processes slightly out of
    // order, so de-duplication is by id, not by "highest id so far". The broadcasts of replayed
    // events may still be on their way after the replay ends (the bus delivers them later than the
    // store returns them), so the check stays on for a while after the replay, then the set is dropped.
    let replayed: Set<number> | undefined = new Set<number>();
    const alreadySent = (e: StreamBroadcast): boolean =>
      replayed !== undefined && lastEventId !== undefined && (e.id <= lastEventId || replayed.has(e.id));
    const deliver = (e: StreamBroadcast) => {
      if (matchesFilter(filter, e)) send(e);
    };
    const listener: Listener = (e) => {
      if (replaying) held.push(e);
      else if (!alreadySent(e)) deliver(e);
    };
    let forget: NodeJS.Timeout | undefined;
    this.#listeners.add(listener);
    const detach = () => {
      if (forget) clearTimeout(forget);
      this.#listeners.delete(listener);
      this.#reconcile().catch((err: unknown) =>
        this.deps.logger.warn('could not leave the stream broadcast', { error: (err as Error).message }),
      );
    };
    try {
      // Subscribed before the replay reads the store: an event stored later is broadcast later.
      await this.#reconcile();
    } catch (err) {
      detach();
      throw err;
    }
    if (lastEventId !== undefined) {
      try {
        let after = lastEventId;
        for (;;) {
          const page = await this.deps.store.events.since(after, REPLAY_PAGE);
          for (const ev of page) {
            replayed.add(ev.id);
            deliver({ id: ev.id, event: ev.event, data: ev.data });
          }
          if (page.length < REPLAY_PAGE) break;
          after = page[page.length - 1]!.id;
        }
        replaying = false;
        for (const e of held.sort((a, b) => a.id - b.id)) {
          if (!alreadySent(e)) deliver(e);
        }
        held.length = 0;
        forget = setTimeout(() => {
          replayed = undefined;
        }, REPLAY_DEDUP_MS);
        forget.unref();
      } catch (err) {
        // The caller gets no detach function when attach fails, so the listener must not stay behind.
        detach();
        throw err;
      }
    }
    return detach;
  }

  get clients(): number {
    return this.#listeners.size;
  }
}
