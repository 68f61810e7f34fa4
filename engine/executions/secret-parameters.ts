import { KvCipher } from '../datastore/kv-cipher.js';
import { SquallError } from '../errors.js';
import type { ParamSpecs } from '../model/action.js';
import type { JsonObject, JsonValue } from '../model/json.js';

/**
 * Secret parameter values (`secret: true` in the runner's or action's specs) as an execution stores
 * them: sealed with the datastore's AES-256-GCM key, so that a value typed in chat or read with
 * `decrypt_kv` is not in the store in clear. Only the runner (and an owner's re-run, and
 * `show_secrets`) opens them.
 *
 * Each value is bound to its execution and parameter name: a sealed value copied to another
 * execution or parameter does not open there.
 */
export class SecretParameters {
  readonly #cipher: KvCipher;

  constructor(cipher: KvCipher) {
    this.#cipher = cipher;
  }

  /** `parameters` with each secret value replaced by its `sqenc1:` form (of its JSON). */
  seal(executionId: string, specs: ParamSpecs, parameters: JsonObject): JsonObject {
    const out: JsonObject = { ...parameters };
    for (const [name, value] of Object.entries(parameters)) {
      if (specs[name]?.secret !== true || value === null) continue;
      out[name] = this.#cipher.encrypt(JSON.stringify(value), bindTo(executionId, name));
    }
    return out;
  }

  /**
   * `parameters` with each sealed secret value opened. A secret stored before values were sealed
   * (not in the `sqenc1:` form) is returned as it is.
   *
   * @throws SquallError SQ_DATASTORE_DECRYPT naming the parameter when a sealed value does not open
   * (another key, or altered)
   */
  open(executionId: string, specs: ParamSpecs, parameters: JsonObject): JsonObject {
    const out: JsonObject = { ...parameters };
    for (const [name, value] of Object.entries(parameters)) {
      if (specs[name]?.secret !== true || typeof value !== 'string' || !KvCipher.isEncrypted(value)) continue;
      try {
        out[name] = JSON.parse(this.#cipher.decrypt(value, bindTo(executionId, name))) as JsonValue;
      } catch (e) {
        const why = e instanceof SquallError ? e.message : 'it is not valid JSON';
        throw new SquallError('SQ_DATASTORE_DECRYPT', `Secret parameter "${name}" cannot be opened: ${why}`);
      }
    }
    return out;
  }
}

function bindTo(executionId: string, name: string): string {
  return `execution:${executionId}:parameters.${name}`;
}
