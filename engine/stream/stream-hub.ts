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

/**
 * Fans the bus's `stream.event` broadcast out to this process's SSE clients, and replays stored
 * events after a client's Last-Event-ID so that a reconnect loses nothing.
 */
export class StreamHub {
  readonly #listeners = new Set<Listener>();
  #sub: Subscription | undefined;

  constructor(private readonly deps: { store: Store; bus: Bus; logger: Logger }) {}

  async start(): Promise<void> {
    this.#sub = await this.deps.bus.subscribe('stream.event', async (e) => {
      for (const l of this.#listeners) {
        // One client whose socket broke must not cost the others this event.
        try {
          l(e);
        } catch (err) {
          this.deps.logger.warn('stream client failed to take an event', { id: e.id, error: (err as Error).message });
        }
      }
    });
  }

  async stop(): Promise<void> {
    await this.#sub?.cancel();
    this.#listeners.clear();
  }

  /**
   * Attaches a client. Events after `lastEventId` are replayed first from the store; live events
   * that arrive during the replay are held back and de-duplicated by id, so order is kept.
   */
  async attach(filter: StreamFilter, lastEventId: number | undefined, send: Listener): Promise<() => void> {
    let replaying = lastEventId !== undefined;
    const held: StreamBroadcast[] = [];
    // Ids delivered by the replay; live events can arrive from several processes slightly out of
    // order, so de-duplication is by id, not by "highest id so far".
    const replayed = new Set<number>();
    const deliver = (e: StreamBroadcast) => {
      if (matchesFilter(filter, e)) send(e);
    };
    const listener: Listener = (e) => (replaying ? held.push(e) : deliver(e));
    this.#listeners.add(listener);
    const detach = () => this.#listeners.delete(listener);
    if (lastEventId !== undefined) {
      try {
        let after = lastEventId;
        for (;;) {
          const page = await this.deps.store.events.since(after, 500);
          for (const ev of page) {
            replayed.add(ev.id);
            deliver({ id: ev.id, event: ev.event, data: ev.data });
          }
          if (page.length < 500) break;
          after = page[page.length - 1]!.id;
        }
        replaying = false;
        for (const e of held.sort((a, b) => a.id - b.id)) {
          if (!replayed.has(e.id) && e.id > lastEventId) deliver(e);
        }
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
