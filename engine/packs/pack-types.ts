import type { Action, Pack } from '../model/action.js';
import type { ActionAlias } from '../model/alias.js';
import type { JsonObject } from '../model/json.js';
import type { Policy } from '../model/policy.js';
import type { Rule } from '../model/rule.js';
import type { SensorType } from '../model/sensor.js';
import type { PackTriggerType } from '../model/trigger.js';

/** One thing wrong in a pack, precise enough to fix without opening the loader's code. */
export interface PackProblem {
  /** The file, relative to the packs root (the folder holding the pack), e.g. `demo/actions/bad.yaml`. */
  file: string;
  /** Dotted path inside the file, e.g. `parameters.timeout.type` or `formats[1].display`. */
  field?: string;
  problem: string;
  /**
   * `warning`: reported but the file still loads (fields real packs often omit or get slightly wrong).
   * Absent means an error: the file (or, for pack.yaml, the whole pack) is not loaded.
   */
  severity?: 'warning';
}

/**
 * What each pack kind (pack-kinds.ts) reads from a pack, by the kind's key; a new kind adds its
 * field here.
 */
export interface PackContents {
  actions: Action[];
  aliases: ActionAlias[];
  triggers: PackTriggerType[];
  rules: Rule[];
  sensors: SensorType[];
  policies: Policy[];
}

/** Everything read from one pack folder; `errors` holds warnings too (see PackProblem.severity). */
export interface LoadedPack extends PackContents {
  /** Absent when pack.yaml is missing or invalid: such a pack must not be registered. */
  pack?: Pack;
  configSchema?: JsonObject;
  errors: PackProblem[];
}

/** Formats one problem the way `squall pack validate` prints it. */
export function formatProblem(p: PackProblem): string {
  const where = p.field ? `${p.file}: ${p.field}` : p.file;
  return `${where}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.problem}`;
}

/** True when the problem stops something from loading. */
export function isError(p: PackProblem): boolean {
  return p.severity !== 'warning';
}
