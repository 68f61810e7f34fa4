import { KvCipher } from '../../datastore/kv-cipher.js';
import type { Execution } from '../../model/execution.js';
import type { JsonObject, JsonValue } from '../../model/json.js';

/**
 * A workflow's secret inputs as its stored state holds them: the sealed forms the execution itself
 * stores (`secret: true` parameters, sealed with the datastore key and bound to the execution), so
 * `store.workflows` has no secret in clear. The conductor works on the opened values in memory.
 * Covered: the caller's inputs (`input`) and the root context (`contexts[0]`, orquesta); a value a
 * task derives from a secret (published, rendered into `vars`) is data the conductor keeps as is.
 */
export interface WorkflowSecrets {
  /** The state as stored → the state the conductor works on. */
  open(state: JsonObject): JsonObject;
  /** The state the conductor left → the state to store. */
  seal(state: JsonObject): JsonObject;
}

const NONE: WorkflowSecrets = { open: (s) => s, seal: (s) => s };

/**
 * The secrets of workflow execution `stored` (its parameters as stored, sealed); `openAll` opens
 * them, called only when there is a sealed value.
 */
export function workflowSecrets(stored: Pick<Execution, 'parameters'>, openAll: () => JsonObject): WorkflowSecrets {
  const sealed = Object.entries(stored.parameters).filter(([, v]) => typeof v === 'string' && KvCipher.isEncrypted(v));
  if (sealed.length === 0) return NONE;
  const opened = openAll();
  const names = sealed.filter(([k, v]) => opened[k] !== v).map(([k]) => k);
  if (names.length === 0) return NONE;
  return {
    open: (state) => swap(state, names, stored.parameters, opened),
    // A copy: the conductor that produced the state still works on the opened values.
    seal: (state) => swap(structuredClone(state), names, opened, stored.parameters),
  };
}

/** Replaces, in the places inputs live, each named value equal to `from[name]` by `to[name]`. */
function swap(state: JsonObject, names: readonly string[], from: JsonObject, to: JsonObject): JsonObject {
  const holders: (JsonObject | undefined)[] = [
    state.input as JsonObject | undefined,
    (state.contexts as JsonObject[] | undefined)?.[0],
  ];
  for (const h of holders) {
    if (h === undefined || h === null || typeof h !== 'object') continue;
    for (const name of names) {
      if (Object.hasOwn(h, name) && same(h[name], from[name])) h[name] = to[name] as JsonValue;
    }
  }
  return state;
}

function same(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
