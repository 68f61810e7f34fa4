import type { JsonObject, JsonValue } from './json.js';

export type ParamType = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';

/** One action (or runner) parameter, as StackStorm declares it in action metadata YAML. */
export interface ParamSpec {
  type?: ParamType;
  description?: string;
  /** @default false */
  required?: boolean;
  default?: JsonValue;
  enum?: JsonValue[];
  /** Masked as `********` wherever it could be shown. @default false */
  secret?: boolean;
  /** Fixed to its default; a caller that passes it gets an error. @default false */
  immutable?: boolean;
  /** Positional index for script runners. */
  position?: number;
  /**
   * JSON-schema extras some packs use. Numeric and string bounds (minimum, maximum, exclusiveMinimum,
   * exclusiveMaximum, multipleOf, minLength, maxLength, pattern, minItems, maxItems) are enforced by
   * parameter validation; items and properties are kept, not enforced beyond type.
   */
  items?: JsonObject;
  properties?: JsonObject;
  [extra: string]: JsonValue | undefined;
}

export type ParamSpecs = Record<string, ParamSpec>;

export interface NotifySubsection {
  message?: string;
  data?: JsonObject;
  routes?: string[];
}

/** StackStorm's `notify` block: keys are `on-complete`, `on-success`, `on-failure`. */
export interface NotifySpec {
  'on-complete'?: NotifySubsection;
  'on-success'?: NotifySubsection;
  'on-failure'?: NotifySubsection;
}

/** An action as registered from a pack (StackStorm's ActionAPI shape). */
export interface Action {
  id: string;
  uid: string; // action:<pack>:<name>
  ref: string; // <pack>.<name>
  pack: string;
  name: string;
  description: string;
  enabled: boolean;
  runner_type: string;
  entry_point: string;
  parameters: ParamSpecs;
  output_schema?: JsonObject;
  notify?: NotifySpec;
  tags?: JsonValue[];
  metadata_file?: string;
}

/** A pack as registered (StackStorm's PackAPI shape, plus where it was loaded from). */
export interface Pack {
  id: string;
  uid: string; // pack:<ref>
  ref: string;
  name: string;
  description: string;
  version: string;
  author: string;
  email?: string;
  keywords?: string[];
  dependencies?: string[];
  /** Absolute folder the pack was loaded from; runners resolve entry points against it. */
  path: string;
  files?: string[];
  /** Where the pack came from: `built-in`, `folder <path>`, `git <url>@<ref> (<commit>)`, `index <name> → <url>`. */
  origin?: string;
}
