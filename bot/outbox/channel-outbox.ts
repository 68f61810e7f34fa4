import { SquallError } from '../../engine/errors.js';
import { newId } from '../../engine/ids.js';
import type { Logger } from '../../engine/logger.js';
import { metrics } from '../../engine/metrics/metrics.js';
import type { JsonObject } from '../../engine/model/json.js';
import type { OutboxItem, OutboxRepo } from '../../engine/store/outbox-repo.js';
import { backoffDelay } from '../../lib/backoff.js';
import { type Deferred, deferred } from '../../lib/deferred.js';
import { instanceId } from '../../lib/instance-id.js';
import { Sleeper } from '../../lib/sleeper.js';

/** What went wrong with one send, decided by the platform's sender (it knows the platform's errors). */
export type SendFailure =
  /** The platform said when to come back (429 Retry-After). */
  | { kind: 'rate_limited'; retryAfterMs: number }
  /** The platform is down or unreachable: back off and try again, however long it takes. */
  | { kind: 'unavailable'; reason: string }
  /** The platform refused the message for good (unknown channel, invalid blocks): drop it and say so. */
  | { kind: 'rejected'; reason: string };

export interface ChannelOutboxOptions {
  /** The platform's id (`slack`); it prefixes the store's queue names, so it must never change. */
  platform: string;
  /** The platform's name in messages and logs (`Slack`). */
  label: string;
  repo: OutboxRepo;
  /** Sends one payload; resolves with the platform's answer, throws on failure. */
  send: (payload: JsonObject) => Promise<JsonObject>;
  /** Classifies what `send` threw: rate limit (with the wait), transient, or permanent. */
  classify: (e: unknown) => SendFailure;
  logger: Logger;
  /** Per channel, one message per this many ms after the burst. @default 1000 */
  minIntervalMs?: number;
  /** Per channel, messages sent back to back before the spacing applies. @default 3 */
  burst?: number;
  /** First wait after a transient failure; doubles per attempt. @default 1000 */
  retryBaseMs?: number;
  /** @default 60000 */
  retryMaxMs?: number;
  /** Who this sender is in the items' claims; unique per bot process (and per outbox in it). @default instanceId() */
  owner?: string;
  /**
   * How long a claim holds without renewal: a sender renews its claims every third of this, and takes
   * over another's items once their claim lapsed (that sender died). @default 30000
   */
  claimMs?: number;
}

interface Entry {
  item: OutboxItem;
  key: string;
  waiter: Deferred<JsonObject>;
  /** Loaded by `restore()`: left queued by an earlier run, whose callers may ask again after the restart. */
  restored?: boolean;
}

/** How many sent restored keys are remembered (a restart's backlog). */
const RESTORED_SENT_MAX = 10_000;

interface Lane {
  channel: string;
  entries: Entry[];
  running: boolean;
  tokens: number;
  refilledAt: number;
}

// Items restored after a restart have no caller; their failures are logged, not unhandled.
const waiter = (): Deferred<JsonObject> => deferred<JsonObject>({ quiet: true });

/**
 * A durable outbox per chat channel, for any platform (Slack, Teams and Discord each supply their
 * own `send` and `classify`). Every message is written to the store before it is sent
 * and removed only after the platform confirmed it, so queued replies survive a restart (each
 * platform's under its own queue prefix, so a restart gives them back to the right sender); each
 * channel sends in order, at about one message per `minIntervalMs` after a short burst, waits out
 * 429 Retry-After, and during an outage retries with back-off without ever dropping a message.
 * Each item is claimed by the sender that queued or took it over (a lease renewed while it lives), so
 * with two bot processes every message is sent by one of them only.
 * Re-enqueueing a message with the key of one still pending returns the pending one.
 */
export class ChannelOutbox {
  readonly #o: Required<Omit<ChannelOutboxOptions, 'logger'>> & { logger: Logger };
  readonly #prefix: string;
  readonly #lanes = new Map<string, Lane>();
  readonly #byKey = new Map<string, Entry>();
  readonly #pause = new Sleeper();
  readonly #pumps = new Set<Promise<void>>();
  /** Keys of restored items already sent, with the platform's answer. */
  readonly #restoredSent = new Map<string, JsonObject>();
  #stopped = false;
  #chain: Promise<void> = Promise.resolve();
  #ticker: NodeJS.Timeout | undefined;
  #adopting: Promise<number> | undefined;

  constructor(opts: ChannelOutboxOptions) {
    this.#prefix = `${opts.platform}:`;
    this.#o = {
      minIntervalMs: 1000,
      burst: 3,
      retryBaseMs: 1000,
      retryMaxMs: 60_000,
      owner: instanceId(),
      claimMs: 30_000,
      ...opts,
    };
  }

  /**
   * Takes over what no live sender holds (left by a previous run, or by a bot process that died) and
   * starts sending it; returns how many items. Items another live bot process is sending stay its own;
   * if that process dies, this one takes them over once their claim lapsed (checked with each renewal).
   */
  async restore(): Promise<number> {
    this.#tick();
    return this.#adopt();
  }

  #adopt(): Promise<number> {
    // One scan at a time: two overlapping scans would both see an item as not yet in a lane.
    this.#adopting ??= this.#adoptOnce().finally(() => {
      this.#adopting = undefined;
    });
    return this.#adopting;
  }

  async #adoptOnce(): Promise<number> {
    const now = new Date().toISOString();
    let count = 0;
    for (const item of await this.#o.repo.pending(this.#prefix)) {
      if (this.#stopped) break;
      const key = typeof item.payload.key === 'string' ? item.payload.key : item.id;
      if (this.#byKey.has(key)) continue;
      const held = item.owner !== null && item.owner !== this.#o.owner && (item.claimed_until ?? '') > now;
      if (held) continue;
      if (!(await this.#o.repo.claim(item.id, this.#o.owner, this.#claimUntil(), now))) continue;
      // Still checked after the await: an enqueue of the same key may have come in meanwhile.
      if (this.#byKey.has(key)) continue;
      this.#add({ item, key, waiter: waiter(), restored: true });
      count += 1;
    }
    if (count > 0) this.#o.logger.info(`resending queued ${this.#o.label} messages`, { count });
    for (const lane of this.#lanes.values()) this.#kick(lane);
    return count;
  }

  #claimUntil(): string {
    return new Date(Date.now() + this.#o.claimMs).toISOString();
  }

  // Renews this sender's claims (so nobody takes over what it is sending) and takes over lapsed ones.
  #tick(): void {
    if (this.#ticker || this.#stopped) return;
    this.#ticker = setInterval(() => {
      void this.#o.repo
        .renew(this.#prefix, this.#o.owner, this.#claimUntil())
        .then(() => this.#adopt())
        .catch((e: unknown) =>
          this.#o.logger.warn(`could not renew the ${this.#o.label} outbox's claims; will retry`, { err: String(e) }),
        );
    }, this.#o.claimMs / 3);
    this.#ticker.unref();
  }

  /**
   * Queues `payload` for `channel`. Resolves once the item is stored (so a restart cannot lose it),
   * with `sent`, which settles once the platform confirmed it (possibly after a wait in the queue) or
   * rejects with SQ_CHAT_REFUSED when the platform refused it for good (it is dropped), or with
   * SQ_CHAT_UNAVAILABLE when the outbox stopped first (the item then stays queued for the next start). A key still pending returns the pending item.
   */
  enqueue(channel: string, key: string, payload: JsonObject): Promise<{ sent: Promise<JsonObject> }> {
    // Enqueues run one at a time so that the store's order and the lanes' order always agree.
    const run = this.#chain.then(async () => {
      if (this.#stopped) throw new SquallError('SQ_CHAT_UNAVAILABLE', `the ${this.#o.label} adapter is stopped`);
      const existing = this.#byKey.get(key);
      if (existing) return { sent: existing.waiter.promise };
      // A caller redelivering after the restart (its bus message, its sweep) must not post it twice.
      const sentBefore = this.#restoredSent.get(key);
      if (sentBefore) return { sent: Promise.resolve(sentBefore) };
      this.#tick();
      const item = await this.#o.repo.enqueue({
        id: newId(),
        queue: `${this.#prefix}${channel}`,
        payload: { ...payload, key },
        due_at: new Date().toISOString(),
        owner: this.#o.owner,
        claimed_until: this.#claimUntil(),
      });
      const entry: Entry = { item, key, waiter: waiter() };
      this.#kick(this.#add(entry));
      return { sent: entry.waiter.promise };
    });
    this.#chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Queues and waits until the platform confirmed; see `enqueue`. */
  async send(channel: string, key: string, payload: JsonObject): Promise<JsonObject> {
    return (await this.enqueue(channel, key, payload)).sent;
  }

  /** Number of messages waiting (all channels). */
  get size(): number {
    return this.#byKey.size;
  }

  /**
   * Stops sending; pending items stay in the store, released for another bot process (or the next
   * start) to take over at once, and their callers get SQ_CHAT_UNAVAILABLE.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#ticker);
    this.#pause.wakeAll();
    await Promise.allSettled([...this.#pumps, this.#adopting]);
    if (this.#byKey.size > 0) {
      // Best effort: claims left behind lapse after `claimMs` and are taken over then.
      await this.#o.repo
        .release(this.#prefix, this.#o.owner)
        .catch((e: unknown) =>
          this.#o.logger.warn(`could not release the ${this.#o.label} outbox's claims`, { err: String(e) }),
        );
    }
    for (const e of this.#byKey.values()) {
      e.waiter.reject(
        new SquallError(
          'SQ_CHAT_UNAVAILABLE',
          `the ${this.#o.label} adapter stopped; the message stays queued for the next start`,
        ),
      );
    }
    this.#byKey.clear();
    this.#lanes.clear();
  }

  #add(entry: Entry): Lane {
    const channel = entry.item.queue.slice(this.#prefix.length);
    let lane = this.#lanes.get(channel);
    if (!lane) {
      lane = { channel, entries: [], running: false, tokens: this.#o.burst, refilledAt: Date.now() };
      this.#lanes.set(channel, lane);
    }
    lane.entries.push(entry);
    this.#byKey.set(entry.key, entry);
    return lane;
  }

  #kick(lane: Lane): void {
    if (lane.running || this.#stopped) return;
    lane.running = true;
    const p = this.#pump(lane)
      .catch((e: unknown) => this.#o.logger.error(`${this.#o.label} outbox stopped on an error`, { err: String(e) }))
      .finally(() => {
        lane.running = false;
        this.#pumps.delete(p);
        // Lanes stay (one small record per channel) so that their rate budget outlives a drained queue.
        if (!this.#stopped && lane.entries.length > 0) this.#kick(lane);
      });
    this.#pumps.add(p);
  }

  #sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.#stopped) return Promise.resolve();
    return this.#pause.sleep(ms);
  }

  // Token bucket: `burst` messages back to back, then one per `minIntervalMs`.
  async #takeToken(lane: Lane): Promise<void> {
    const { minIntervalMs, burst } = this.#o;
    if (minIntervalMs === 0) return;
    for (;;) {
      const now = Date.now();
      lane.tokens = Math.min(burst, lane.tokens + (now - lane.refilledAt) / minIntervalMs);
      lane.refilledAt = now;
      if (lane.tokens >= 1) {
        lane.tokens -= 1;
        return;
      }
      await this.#sleep(Math.ceil((1 - lane.tokens) * minIntervalMs));
      if (this.#stopped) return;
    }
  }

  async #pump(lane: Lane): Promise<void> {
    const log = this.#o.logger.child({ channel: lane.channel });
    while (!this.#stopped) {
      const entry = lane.entries[0];
      if (!entry) return;
      await this.#sleep(Date.parse(entry.item.due_at) - Date.now());
      await this.#takeToken(lane);
      if (this.#stopped) return;
      // Checked right before each attempt: only the holder sends, so two bot processes never both do.
      if (!(await this.#holds(entry))) {
        log.info(`another ${this.#o.label} sender took over a queued message`, { op: entry.item.payload.op });
        this.#done(lane, entry);
        entry.waiter.reject(
          new SquallError('SQ_CHAT_UNAVAILABLE', `another ${this.#o.label} sender took over the message`),
        );
        continue;
      }
      if (this.#stopped) return;
      let result: JsonObject;
      try {
        result = await this.#o.send(entry.item.payload);
      } catch (e) {
        const f = this.#o.classify(e);
        if (f.kind === 'rejected') {
          log.error(`${this.#o.label} refused a message; dropping it`, { reason: f.reason, op: entry.item.payload.op });
          await this.#o.repo.remove(entry.item.id);
          this.#done(lane, entry);
          entry.waiter.reject(new SquallError('SQ_CHAT_REFUSED', `${this.#o.label} refused the message: ${f.reason}`));
          continue;
        }
        const attempts = entry.item.attempts + 1;
        const delay =
          f.kind === 'rate_limited'
            ? f.retryAfterMs
            : backoffDelay(attempts, { baseMs: this.#o.retryBaseMs, maxMs: this.#o.retryMaxMs, jitter: 'spread' });
        const dueAt = new Date(Date.now() + delay).toISOString();
        await this.#o.repo.reschedule(entry.item.id, dueAt, attempts);
        entry.item = { ...entry.item, due_at: dueAt, attempts };
        const meta = { attempts, retryInMs: Math.round(delay), op: entry.item.payload.op };
        if (f.kind === 'rate_limited') log.warn(`${this.#o.label} rate limit; waiting as told by Retry-After`, meta);
        else log.warn(`${this.#o.label} unavailable (${f.reason}); will retry`, meta);
        continue;
      }
      metrics.chatSent(this.#o.platform);
      await this.#o.repo.remove(entry.item.id);
      this.#done(lane, entry);
      if (entry.restored) {
        if (this.#restoredSent.size >= RESTORED_SENT_MAX) this.#restoredSent.clear();
        this.#restoredSent.set(entry.key, result);
      }
      entry.waiter.resolve(result);
    }
  }

  #holds(entry: Entry): Promise<boolean> {
    return this.#o.repo.claim(entry.item.id, this.#o.owner, this.#claimUntil(), new Date().toISOString());
  }

  #done(lane: Lane, entry: Entry): void {
    lane.entries.shift();
    this.#byKey.delete(entry.key);
  }
}
