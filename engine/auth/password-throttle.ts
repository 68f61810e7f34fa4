/** How many failed password attempts are allowed, per user and per client address, within a window. */
export interface PasswordThrottleOptions {
  /** Failed attempts allowed for one user name within the window. @default 5 */
  perUser?: number;
  /** Failed attempts allowed from one client address within the window. @default 20 */
  perAddress?: number;
  /** Length of the window, in seconds. @default 300 */
  windowS?: number;
  /** The clock, in milliseconds; tests pass their own. @default Date.now */
  now?: () => number;
}

// Counting is in memory; beyond this many names and addresses the oldest are forgotten, so a flood of
// made-up names cannot grow the map without end.
const MAX_TRACKED = 10_000;

/**
 * Counts failed password attempts by user name and by client address over a sliding window and says
 * how long a caller must wait once either count is used up. A success clears the user's count.
 */
export class PasswordThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly perUser: number;
  private readonly perAddress: number;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(opts: PasswordThrottleOptions = {}) {
    this.perUser = opts.perUser ?? 5;
    this.perAddress = opts.perAddress ?? 20;
    this.windowMs = (opts.windowS ?? 300) * 1000;
    this.now = opts.now ?? Date.now;
  }

  /** Seconds to wait before another attempt for this user from this address; 0 when one may be made. */
  retryAfterS(user: string, address: string | undefined): number {
    const waits = [this.waitMs(`user:${user}`, this.perUser)];
    if (address) waits.push(this.waitMs(`addr:${address}`, this.perAddress));
    return Math.ceil(Math.max(...waits) / 1000);
  }

  recordFailure(user: string, address: string | undefined): void {
    this.record(`user:${user}`);
    if (address) this.record(`addr:${address}`);
  }

  recordSuccess(user: string): void {
    this.failures.delete(`user:${user}`);
  }

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    const kept = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (kept.length === 0) this.failures.delete(key);
    else this.failures.set(key, kept);
    return kept;
  }

  private waitMs(key: string, allowed: number): number {
    const recent = this.recent(key);
    if (recent.length < allowed) return 0;
    // The window frees up when the oldest failure that keeps the count at the limit ages out.
    const oldest = recent[recent.length - allowed] ?? this.now();
    return Math.max(1000, oldest + this.windowMs - this.now());
  }

  private record(key: string): void {
    const recent = this.recent(key);
    this.failures.delete(key);
    this.failures.set(key, [...recent, this.now()].slice(-Math.max(this.perUser, this.perAddress)));
    if (this.failures.size > MAX_TRACKED) {
      const first = this.failures.keys().next().value;
      if (first !== undefined) this.failures.delete(first);
    }
  }
}
