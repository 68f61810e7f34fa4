import { SquallError } from '../errors.js';
import { newId } from '../ids.js';
import type { Action, NotifySpec, ParamSpecs } from '../model/action.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import type { RunnerRegistry } from '../runners/runner-registry.js';

const PARAM_TYPES = ['string', 'integer', 'number', 'boolean', 'array', 'object'] as const;
const PACK_NAME = '^[A-Za-z0-9_-]+$';
const ACTION_NAME = '^[A-Za-z0-9_][A-Za-z0-9_.-]*$';

const paramSpecSchema = {
  type: 'object',
  properties: {
    type: { type: 'string', enum: PARAM_TYPES },
    description: { type: 'string' },
    required: { type: 'boolean' },
    secret: { type: 'boolean' },
    immutable: { type: 'boolean' },
    position: { type: 'integer', minimum: 0 },
    enum: { type: 'array' },
  },
  additionalProperties: true,
} as const;

/** The body of `POST`/`PUT /api/v1/actions` (StackStorm's ActionAPI; id, ref and uid are accepted and ignored). */
export const actionBodySchema = {
  type: 'object',
  required: ['name', 'runner_type'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    ref: { type: 'string' },
    uid: { type: 'string' },
    name: { type: 'string', pattern: ACTION_NAME, maxLength: 255 },
    pack: { type: 'string', pattern: PACK_NAME, maxLength: 255 },
    description: { type: 'string' },
    enabled: { type: 'boolean' },
    runner_type: { type: 'string' },
    entry_point: { type: 'string' },
    parameters: {
      type: 'object',
      propertyNames: { pattern: '^\\w+$' },
      additionalProperties: paramSpecSchema,
    },
    output_schema: { type: 'object' },
    notify: { type: 'object' },
    tags: { type: 'array' },
    metadata_file: { type: 'string' },
  },
} as const;

export interface ActionBody {
  name: string;
  pack?: string;
  description?: string;
  enabled?: boolean;
  runner_type: string;
  entry_point?: string;
  parameters?: ParamSpecs;
  output_schema?: JsonObject;
  notify?: NotifySpec;
  tags?: JsonValue[];
  metadata_file?: string;
}

// What an action may change on a parameter its runner declares (besides raising `secret`).
const OVERRIDABLE = new Set(['default', 'description', 'enum', 'immutable', 'required', 'secret']);

/**
 * Checks an action the way the pack loader does (runner known, runner parameters overridden only
 * where StackStorm allows) and builds the stored form. `existing` keeps the id of an update.
 */
export function actionFromBody(body: ActionBody, runners: RunnerRegistry, existing?: Action): Action {
  const runner = runners.get(body.runner_type);
  if (!runner) {
    const known = runners
      .list()
      .map((r) => r.name)
      .join(', ');
    throw new SquallError('SQ_RUNNER_NOT_FOUND', `Unknown runner_type "${body.runner_type}"; Squall has: ${known}`);
  }
  const parameters = body.parameters ?? {};
  for (const [name, spec] of Object.entries(parameters)) {
    const base = runner.parameters[name];
    if (!base) continue;
    const changed = Object.keys(spec).filter(
      (k) => !OVERRIDABLE.has(k) && JSON.stringify(spec[k]) !== JSON.stringify(base[k]),
    );
    if (changed.length > 0) {
      throw new SquallError(
        'SQ_VALIDATION',
        `Parameter "${name}" is declared by runner ${runner.name}; an action may only override default, description, enum, immutable, required and secret, not ${changed.join(', ')}`,
      );
    }
    if (base.secret === true && spec.secret === false) {
      throw new SquallError(
        'SQ_VALIDATION',
        `Parameter "${name}" is secret in runner ${runner.name}; an action cannot make it public`,
      );
    }
  }
  const pack = body.pack ?? 'default';
  const action: Action = {
    id: existing?.id ?? newId(),
    uid: `action:${pack}:${body.name}`,
    ref: `${pack}.${body.name}`,
    pack,
    name: body.name,
    description: body.description ?? '',
    enabled: body.enabled ?? true,
    runner_type: body.runner_type,
    entry_point: body.entry_point ?? '',
    parameters,
  };
  if (body.output_schema) action.output_schema = body.output_schema;
  if (body.notify) action.notify = body.notify;
  if (body.tags) action.tags = body.tags;
  // Server-owned: it says the action came from a pack file, which pack registration may prune when
  // the file goes; an action created through the API has none and survives a re-register.
  const metadataFile = existing?.metadata_file;
  if (metadataFile) action.metadata_file = metadataFile;
  return action;
}
