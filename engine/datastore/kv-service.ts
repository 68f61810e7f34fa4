import { MASK } from '../actions/param-secrets.js';
import { SquallError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { JsonObject } from '../model/json.js';
import type { KeyValuePair, KeyValueRef } from '../model/key-value.js';
import type { KvListQuery } from '../store/kv-repo.js';
import type { Page } from '../store/page.js';
import type { Store } from '../store/store.js';
import { KvCipher } from './kv-cipher.js';
import type { KeyLookup, KvScope } from './kv-lookup.js';

/** Where the `core.st2.key_value_pair.*` trigger instances go (the trigger dispatcher). */
interface KvTriggerSink {
  dispatch(input: { trigger: string; payload: JsonObject }): Promise<unknown>;
}

/** What a caller writes: StackStorm's KeyValuePair body. */
export interface KvSetInput {
  name: string;
  value: string;
  scope: KvScope;
  /** Owner of a `st2kv.user` item. */
  user?: string;
  /** Store encrypted. */
  secret?: boolean;
  /** `value` is already this server's ciphertext (an export being loaded); implies `secret`. */
  encrypted?: boolean;
  /** Seconds until the item expires. */
  ttl?: number;
  description?: string;
}

/** StackStorm's KeyValuePairAPI: what the API, the CLI and trigger payloads show of an item. */
export interface KvView {
  id: string;
  uid: string;
  name: string;
  scope: KvScope;
  user?: string;
  value: string;
  secret: boolean;
  encrypted: boolean;
  description?: string;
  expire_timestamp?: string;
  created_at: string;
  updated_at: string;
}

/** Names are printable text; `:` is allowed as StackStorm's `pack.Class:key` sensor keys use it. */
const MAX_NAME = 1024;
/** Values are strings, as in StackStorm; bounded so one key cannot fill the store. */
const MAX_VALUE = 512 * 1024;
/** Ciphertexts read through `lookup` remembered for `decrypt` (see decrypt). */
const REMEMBERED = 10_000;

/**
 * The datastore's rules on top of `store.kv`: secrets encrypted before they are stored (the key never
 * enters the store), expiry from `ttl`, the change triggers with secrets masked, and the template
 * view (`lookup`, `decrypt`) used by rules, parameter defaults and sensors. Who may do what is
 * checked by the callers (API routes), which know the principal.
 */
export class KvService {
  readonly #store: Store;
  readonly #cipher: KvCipher;
  readonly #log: Logger;
  readonly #triggers: KvTriggerSink | undefined;
  /** ciphertext -> the item it was read from, so `| decrypt_kv` can give the cipher its context. */
  readonly #contexts = new Map<string, string>();

  constructor(deps: { store: Store; cipher: KvCipher; logger: Logger; triggers?: KvTriggerSink }) {
    this.#store = deps.store;
    this.#cipher = deps.cipher;
    this.#log = deps.logger.child({ component: 'datastore' });
    this.#triggers = deps.triggers;
  }

  get(ref: KeyValueRef): Promise<KeyValuePair | undefined> {
    return this.#store.kv.get(ref);
  }

  list(q: KvListQuery): Promise<Page<KeyValuePair>> {
    return this.#store.kv.list(q);
  }

  /** Creates or replaces an item; `by` is who did it (logged, never the value). */
  async set(input: KvSetInput, by: string): Promise<KeyValuePair> {
    const ref = checkRef(input);
    if (typeof input.value !== 'string') throw invalid('value must be a string');
    if (input.value.length > MAX_VALUE) throw invalid(`value is longer than ${MAX_VALUE} characters`);
    if (input.ttl !== undefined && !(Number.isSafeInteger(input.ttl) && input.ttl > 0)) {
      throw invalid('ttl must be a positive whole number of seconds');
    }
    const secret = input.secret === true || input.encrypted === true;
    let value = input.value;
    if (input.encrypted === true) {
      // A pre-encrypted value must be this server's ciphertext for this very item: checked by decrypting.
      if (!KvCipher.isEncrypted(value)) throw invalid('encrypted is true but the value is not an encrypted value');
      try {
        this.#cipher.decrypt(value, context(ref));
      } catch {
        throw invalid(
          `encrypted is true but the value does not decrypt as item "${ref.name}" of ${ref.scope} with this server's key`,
        );
      }
    } else if (secret) value = this.#cipher.encrypt(value, context(ref));
    const { previous, current } = await this.#store.kv.put({
      ...ref,
      value,
      secret,
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.ttl !== undefined ? { expire_timestamp: new Date(Date.now() + input.ttl * 1000).toISOString() } : {}),
    });
    this.#log.info(previous ? 'datastore item updated' : 'datastore item created', {
      name: ref.name,
      scope: ref.scope,
      ...(ref.user !== undefined ? { owner: ref.user } : {}),
      secret,
      by,
    });
    if (previous) {
      await this.#emit('core.st2.key_value_pair.update', { object: this.masked(current) });
      if (this.#plain(previous) !== this.#plain(current)) {
        await this.#emit('core.st2.key_value_pair.value_change', {
          old_object: this.masked(previous),
          new_object: this.masked(current),
        });
      }
    } else await this.#emit('core.st2.key_value_pair.create', { object: this.masked(current) });
    return current;
  }

  /** Deletes an item; SQ_NOT_FOUND when there is none. */
  async delete(refIn: KeyValueRef, by: string): Promise<KeyValuePair> {
    const ref = checkRef(refIn);
    const gone = await this.#store.kv.delete(ref);
    if (!gone) throw notFound(ref);
    this.#log.info('datastore item deleted', {
      name: ref.name,
      scope: ref.scope,
      ...(ref.user !== undefined ? { owner: ref.user } : {}),
      by,
    });
    await this.#emit('core.st2.key_value_pair.delete', { object: this.masked(gone) });
    return gone;
  }

  /**
   * StackStorm's API view. A secret shows its ciphertext (`encrypted: true`) unless `decrypt`, as
   * StackStorm does: the ciphertext is useless without the key file and lets `key load` restore an
   * export. The caller decides whether `decrypt` is allowed.
   */
  view(item: KeyValuePair, opts: { decrypt?: boolean } = {}): KvView {
    const decrypted = item.secret && opts.decrypt === true;
    return {
      ...baseView(item),
      value: decrypted ? this.#cipher.decrypt(item.value, context(item)) : item.value,
      encrypted: item.secret && !decrypted,
    };
  }

  /** The view for trigger payloads and anything else that leaves the API: a secret's value is `********`. */
  masked(item: KeyValuePair): JsonObject {
    return { ...baseView(item), value: item.secret ? MASK : item.value, encrypted: item.secret } as JsonObject;
  }

  /** The datastore as templates read it: stored strings (ciphertext for secrets, see `decrypt`). */
  readonly lookup: KeyLookup = {
    get: async (scope, name, user) => {
      if (scope === 'st2kv.user' && user === undefined) return undefined;
      const item = await this.#store.kv.get({ scope, name, ...(user !== undefined ? { user } : {}) });
      if (!item) return undefined;
      if (item.secret) this.#remember(item);
      return item.value;
    },
    list: async (scope, user) => {
      const out = new Map<string, string>();
      if (scope === 'st2kv.user' && user === undefined) return out;
      for (let offset = 0; ; offset += 1000) {
        const page = await this.#store.kv.list({
          scope,
          ...(user !== undefined ? { user } : {}),
          limit: 1000,
          offset,
        });
        for (const item of page.items) {
          if (item.secret) this.#remember(item);
          out.set(item.name, item.value);
        }
        if (page.items.length < 1000) return out;
      }
    },
  };

  /**
   * `| decrypt_kv`: the plain text of a secret read through `lookup`. Each ciphertext is bound to
   * its item (scope, owner, name), so only a value that came from the datastore decrypts; one copied
   * into a trigger payload or another key does not.
   */
  readonly decrypt = (stored: string): string => {
    const ctx = this.#contexts.get(stored);
    if (ctx === undefined) throw new SquallError('SQ_DATASTORE_DECRYPT', 'the value was not read from the datastore');
    return this.#cipher.decrypt(stored, ctx);
  };

  /** Removes expired items now and every `intervalMs`; reads hide them meanwhile. */
  startExpirySweep(intervalMs = 60_000): { stop(): void } {
    const sweep = async () => {
      try {
        const n = await this.#store.kv.purgeExpired();
        if (n > 0) this.#log.info('expired datastore items removed', { count: n });
      } catch (e) {
        this.#log.warn('could not remove expired datastore items', { error: (e as Error).message });
      }
    };
    void sweep();
    const timer = setInterval(() => void sweep(), intervalMs);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  #remember(item: KeyValuePair): void {
    if (this.#contexts.has(item.value)) return;
    if (this.#contexts.size >= REMEMBERED) {
      const oldest = this.#contexts.keys().next().value;
      if (oldest !== undefined) this.#contexts.delete(oldest);
    }
    this.#contexts.set(item.value, context(item));
  }

  /** The comparable value: plain text (a secret's ciphertext changes on every write). */
  #plain(item: KeyValuePair): string {
    return item.secret ? this.#cipher.decrypt(item.value, context(item)) : item.value;
  }

  async #emit(trigger: string, payload: JsonObject): Promise<void> {
    if (!this.#triggers) return;
    try {
      await this.#triggers.dispatch({ trigger, payload });
    } catch (e) {
      // The change is stored; a lost notification must not undo or fail it.
      this.#log.warn('could not dispatch the datastore trigger', { trigger, error: (e as Error).message });
    }
  }
}

function baseView(item: KeyValuePair): Omit<KvView, 'value' | 'encrypted'> {
  const userPart = item.scope === 'st2kv.user' ? `${item.user ?? ''}:` : '';
  return {
    id: item.id,
    uid: `key_value_pair:${item.scope}:${userPart}${item.name}`,
    name: item.name,
    scope: item.scope,
    ...(item.user !== undefined ? { user: item.user } : {}),
    secret: item.secret,
    ...(item.description !== undefined ? { description: item.description } : {}),
    ...(item.expire_timestamp !== undefined ? { expire_timestamp: item.expire_timestamp } : {}),
    created_at: item.created_at,
    updated_at: item.updated_at,
  };
}

/** What the cipher binds a secret to: a value moved to another item does not decrypt there. */
function context(ref: { scope: string; name: string; user?: string | undefined }): string {
  return ref.scope === 'st2kv.user' ? `${ref.scope}:${ref.user ?? ''}:${ref.name}` : `${ref.scope}:${ref.name}`;
}

function checkRef(ref: KeyValueRef): KeyValueRef {
  if (typeof ref.name !== 'string' || ref.name.trim() === '') throw invalid('name must not be empty');
  if (ref.name.length > MAX_NAME) throw invalid(`name is longer than ${MAX_NAME} characters`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(ref.name)) throw invalid('name must not contain control characters');
  if (ref.scope === 'st2kv.user') {
    if (!ref.user) throw invalid('a st2kv.user item needs its user');
    return { scope: ref.scope, name: ref.name, user: ref.user };
  }
  return { scope: ref.scope, name: ref.name };
}

function invalid(problem: string): SquallError {
  return new SquallError('SQ_VALIDATION', `Invalid datastore item: ${problem}`);
}

export function notFound(ref: KeyValueRef): SquallError {
  const where = ref.scope === 'st2kv.user' ? `${ref.scope} of user "${ref.user ?? ''}"` : ref.scope;
  return new SquallError('SQ_NOT_FOUND', `Datastore item "${ref.name}" does not exist in ${where}.`);
}
