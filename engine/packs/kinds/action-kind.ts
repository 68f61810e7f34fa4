import { readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { z } from 'zod';
import { newId } from '../../ids.js';
import type { Action, NotifySpec, ParamSpecs } from '../../model/action.js';
import type { JsonObject, JsonValue } from '../../model/json.js';
import { unsupportedRunner } from '../../runners/runner-types.js';
import { validateChain } from '../../workflows/chain/chain-spec.js';
import { formatProblem } from '../../workflows/spec/spec-types.js';
import { validateWorkflow } from '../../workflows/spec/validate-spec.js';
import { isFile } from '../pack-files.js';
import { definePackKind, type PackKindSpec } from '../pack-kind.js';
import { ACTION_KEYS, ActionFileSchema } from './action-schema.js';

/** Runners whose entry point is a file the runner executes or interprets; it must exist. */
const FILE_RUNNERS = new Set([
  'local-shell-script',
  'remote-shell-script',
  'python-script',
  'node-script',
  'orquesta',
  'action-chain',
]);

const spec: PackKindSpec<'actions', z.infer<typeof ActionFileSchema>> = {
  key: 'actions',
  folder: 'actions',
  label: 'action',
  definition: 'an action definition',
  schema: ActionFileSchema,
  unknownKey: (key) =>
    (ACTION_KEYS as readonly string[]).includes(key)
      ? undefined
      : { field: key, problem: 'unknown key (ignored)', severity: 'warning' },
  async build(m, ctx) {
    const entryPoint = m.entry_point ?? '';
    if (FILE_RUNNERS.has(m.runner_type)) {
      const problem = await checkEntryPoint(ctx.packDir, entryPoint, m.runner_type);
      if (problem) return { problems: [{ field: 'entry_point', problem }] };
    }
    if (m.runner_type === 'orquesta' || m.runner_type === 'action-chain') {
      const problem = await checkWorkflow(ctx.packDir, entryPoint, m.runner_type);
      if (problem) return { problems: [{ field: 'entry_point', problem }] };
    }
    const action: Action = {
      id: newId(),
      uid: `action:${ctx.pack}:${m.name}`,
      ref: `${ctx.pack}.${m.name}`,
      pack: ctx.pack,
      name: m.name,
      description: m.description ?? '',
      enabled: m.enabled ?? true,
      runner_type: m.runner_type,
      entry_point: entryPoint,
      parameters: (m.parameters ?? {}) as ParamSpecs,
      metadata_file: ctx.metadataFile,
    };
    if (m.output_schema) action.output_schema = m.output_schema as JsonObject;
    if (m.notify) action.notify = m.notify as NotifySpec;
    if (m.tags) action.tags = m.tags as JsonValue[];
    return { item: action, problems: [] };
  },
  repo: (store) => store.actions,
  check(action, checks) {
    if (!checks.runnerSupported || checks.runnerSupported(action.runner_type)) return undefined;
    return { field: 'runner_type', problem: unsupportedRunner(action.runner_type), severity: 'warning' };
  },
};

/** actions/*.yaml → Action, stored in `store.actions`. */
export const actionKind = definePackKind(spec);

/** Entry points resolve against `<pack>/actions/`, as in StackStorm, and must stay inside the pack. */
async function checkEntryPoint(packDir: string, entryPoint: string, runner: string): Promise<string | undefined> {
  if (!entryPoint) return `is required for runner ${runner}`;
  const actionsDir = join(packDir, 'actions');
  const full = resolve(actionsDir, entryPoint);
  if (full !== packDir && !full.startsWith(packDir + sep)) return `"${entryPoint}" points outside the pack`;
  if (!(await isFile(full))) return `file ${relative(packDir, full).split(sep).join('/')} does not exist`;
  return undefined;
}

/** A workflow action's definition is checked when the pack is registered, not when it first runs. */
async function checkWorkflow(packDir: string, entryPoint: string, runner: string): Promise<string | undefined> {
  const file = resolve(join(packDir, 'actions'), entryPoint);
  const name = relative(packDir, file).split(sep).join('/');
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (e) {
    return `cannot read ${name}: ${(e as Error).message}`;
  }
  if (runner === 'action-chain') {
    const chain = validateChain(source);
    return chain.problems.length > 0 ? `action-chain ${name} is invalid: ${chain.problems.join('; ')}` : undefined;
  }
  const { spec, problems } = validateWorkflow(source);
  if (problems.length > 0) return `workflow ${name} is invalid: ${problems.map(formatProblem).join('; ')}`;
  if (spec === undefined) return `workflow ${name} has no tasks`;
  return undefined;
}
