/** Once-only keys: a result posted once, a Slack retry ignored. */
export interface DedupRepo {
  /** True the first time a key is claimed, false ever after (until pruned). */
  claim(key: string, at?: string): Promise<boolean>;
  prune(before: string): Promise<number>;
}
