/** The two datastore scopes templates can read: `st2kv.system.*` and the rendering user's `st2kv.user.*`. */
export type KvScope = 'st2kv.system' | 'st2kv.user';

/**
 * Read access to the datastore for template rendering. Values are the stored strings; a secret comes
 * back encrypted and only `| decrypt_kv` turns it into plain text.
 */
export interface KeyLookup {
  /** The stored value of one key, or undefined when there is none (or it expired). */
  get(scope: KvScope, name: string, user?: string): Promise<string | undefined>;
  /**
   * Every key of a scope, for the rare template that picks a key at render time
   * (`st2kv.system[trigger.key]`). Without it such a template sees no keys.
   */
  list?(scope: KvScope, user?: string): Promise<ReadonlyMap<string, string>>;
}
