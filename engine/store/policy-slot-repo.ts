/** One taken concurrency slot: `holder` (an execution id) runs under the policy key `key`. */
export interface PolicySlot {
  key: string;
  slot: number;
  holder: string;
  taken_at: string;
}

/**
 * Concurrency slots of `action.concurrency` policies, shared by every scheduler on the store: slot
 * `n` of a key is a row with a unique (key, slot), so two schedulers racing for the last slot cannot
 * both take it, whatever process they run in.
 */
export interface PolicySlotRepo {
  /**
   * Takes one of the slots 0..limit-1 of `key` for `holder`. True when `holder` has a slot of `key`
   * (taken now or before); false when all `limit` slots are held by others.
   */
  take(key: string, limit: number, holder: string): Promise<boolean>;
  /** Frees every slot `holder` has, of any key; returns the keys freed (empty when it had none). */
  release(holder: string): Promise<string[]>;
  /** The slots of `key`, by slot number. */
  list(key: string): Promise<PolicySlot[]>;
}
