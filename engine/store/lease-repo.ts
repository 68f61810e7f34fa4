/** Who holds a named lease, and until when. */
export interface Lease {
  name: string;
  /** An id unique to the process (or role instance) that holds it. */
  holder: string;
  /** ISO time after which the lease is free for anyone to take. */
  expires_at: string;
}

/**
 * Named, expiring leases for single-active roles (timers, garbage collection): at most one holder
 * at a time across every process on the store. Every change is a compare-and-set on the stored
 * row, so two processes racing for a free lease cannot both win. Expiry is computed from the
 * caller's clock: clocks of the processes sharing a store must agree to well within a TTL.
 */
export interface LeaseRepo {
  /**
   * Takes the lease when it is free or expired, or extends it when `holder` already has it, for
   * `ttlMs` from now. False when someone else holds a live lease; that is not an error.
   */
  acquire(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /**
   * Extends a live lease `holder` has, for `ttlMs` from now. False when it lapsed or another holder
   * has it: the caller has lost the lease and must stop what the lease guards.
   */
  renew(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up so that another holder need not wait for expiry. False when `holder` did not have it. */
  release(name: string, holder: string): Promise<boolean>;
  /** The live lease, or `undefined` when nobody holds it (never taken, released or expired). */
  get(name: string): Promise<Lease | undefined>;
}
