import { join, relative, resolve, sep } from 'node:path';
import { issueTexts } from '../../lib/zod-issues.js';
import { newId } from '../ids.js';
import type { Action, NotifySpec, ParamSpecs } from '../model/action.js';
import type { ActionAlias, AliasFormat } from '../model/alias.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import { isFile } from './pack-files.js';
import { issueMessage } from './pack-issues.js';
import { ACTION_KEYS, ActionFileSchema, ALIAS_KEYS, AliasFileSchema } from './pack-schemas.js';
import type { PackProblem } from './pack-types.js';

type FileProblem = Omit<PackProblem, 'file'>;

/** Runners whose entry point is a file the runner executes or interprets; it must exist. */
const FILE_RUNNERS = new Set([
  'local-shell-script',
  'remote-shell-script',
  'python-script',
  'node-script',
  'orquesta',
  'action-chain',
]);

/** Builds an Action from one parsed actions/*.yaml; `action` is absent when the file has errors. */
export async function buildAction(
  data: unknown,
  ctx: { pack: string; packDir: string; metadataFile: string },
): Promise<{ action?: Action; problems: FileProblem[] }> {
  const problems: FileProblem[] = [];
  if (!isPlainObject(data)) return { problems: [{ problem: 'must be a mapping (an action definition)' }] };
  for (const key of Object.keys(data)) {
    if (!(ACTION_KEYS as readonly string[]).includes(key)) {
      problems.push({ field: key, problem: 'unknown key (ignored)', severity: 'warning' });
    }
  }
  const parsed = ActionFileSchema.safeParse(data, { error: issueMessage });
  if (!parsed.success) return { problems: [...problems, ...issueTexts(parsed.error.issues)] };
  const m = parsed.data;
  const mismatch = packMismatch(m.pack, ctx.pack);
  if (mismatch) problems.push(mismatch);

  const entryPoint = m.entry_point ?? '';
  if (FILE_RUNNERS.has(m.runner_type)) {
    const problem = await checkEntryPoint(ctx.packDir, entryPoint, m.runner_type);
    if (problem) return { problems: [...problems, { field: 'entry_point', problem }] };
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
  return { action, problems };
}

/** Entry points resolve against `<pack>/actions/`, as in StackStorm, and must stay inside the pack. */
async function checkEntryPoint(packDir: string, entryPoint: string, runner: string): Promise<string | undefined> {
  if (!entryPoint) return `is required for runner ${runner}`;
  const actionsDir = join(packDir, 'actions');
  const full = resolve(actionsDir, entryPoint);
  if (full !== packDir && !full.startsWith(packDir + sep)) return `"${entryPoint}" points outside the pack`;
  if (!(await isFile(full))) return `file ${relative(packDir, full).split(sep).join('/')} does not exist`;
  return undefined;
}

const DOCUMENTED_ALIAS_KEYS = ALIAS_KEYS.filter((k) => !['pack', 'ref', 'uid', 'id', 'metadata_file'].includes(k)).join(
  ', ',
);

/** The warning for a file whose `pack` names another pack than the folder it was loaded from. */
function packMismatch(declared: string | undefined, pack: string): FileProblem | undefined {
  if (declared === undefined || declared === pack) return undefined;
  return {
    field: 'pack',
    problem: `"${declared}" differs from the pack's ref "${pack}"; using "${pack}"`,
    severity: 'warning',
  };
}

/** Builds an ActionAlias from one parsed aliases/*.yaml; `alias` is absent when the file has errors. */
export function buildAlias(
  data: unknown,
  ctx: { pack: string; metadataFile: string },
): { alias?: ActionAlias; problems: FileProblem[] } {
  if (!isPlainObject(data)) return { problems: [{ problem: 'must be a mapping (an action alias definition)' }] };
  const problems: FileProblem[] = [];
  for (const key of Object.keys(data)) {
    if (!(ALIAS_KEYS as readonly string[]).includes(key)) {
      problems.push({ field: key, problem: `unknown key (an alias may have: ${DOCUMENTED_ALIAS_KEYS})` });
    }
  }
  const parsed = AliasFileSchema.safeParse(data, { error: issueMessage });
  if (!parsed.success) problems.push(...issueTexts(parsed.error.issues));
  if (problems.length || !parsed.success) return { problems };
  const m = parsed.data;
  const mismatch = packMismatch(m.pack, ctx.pack);
  if (mismatch) problems.push(mismatch);
  const alias: ActionAlias = {
    id: newId(),
    uid: `action_alias:${ctx.pack}:${m.name}`,
    ref: `${ctx.pack}.${m.name}`,
    pack: ctx.pack,
    name: m.name,
    enabled: m.enabled ?? true,
    action_ref: m.action_ref,
    formats: m.formats as AliasFormat[],
    metadata_file: ctx.metadataFile,
  };
  if (m.description) alias.description = m.description;
  if (m.ack) alias.ack = m.ack as ActionAlias['ack'];
  if (m.result) alias.result = m.result as ActionAlias['result'];
  if (m.extra) alias.extra = m.extra as JsonObject;
  if (m.immutable_parameters) alias.immutable_parameters = m.immutable_parameters as JsonObject;
  if (m.permissions) alias.permissions = m.permissions;
  if (m.channels) alias.channels = m.channels;
  return { alias, problems };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
