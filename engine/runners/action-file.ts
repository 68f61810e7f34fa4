import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import type { RunContext } from './runner.js';

/**
 * The file an action runs: `entry_point` under `<pack.path>/actions/`. An entry point that climbs
 * out of its pack is refused, so a pack cannot point Squall at arbitrary files by mistake.
 */
export function actionFile(ctx: RunContext): string | { error: string } {
  const entry = ctx.action.entry_point;
  if (!entry) return { error: `Action ${ctx.action.ref} has no entry_point` };
  if (!ctx.pack) {
    return isAbsolute(entry) ? entry : { error: `Action ${ctx.action.ref} has no pack to resolve "${entry}" against` };
  }
  const file = resolve(ctx.pack.path, 'actions', entry);
  const rel = relative(ctx.pack.path, file);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    return { error: `entry_point "${entry}" of ${ctx.action.ref} is outside pack ${ctx.pack.ref}` };
  }
  return file;
}

/**
 * `actionFile`, and the file must exist: the script runners refuse to start without it, naming it
 * as `what` (`Script`, `Python action file`).
 */
export async function existingActionFile(ctx: RunContext, what: string): Promise<string | { error: string }> {
  const file = actionFile(ctx);
  if (typeof file !== 'string') return file;
  if (!(await stat(file).catch(() => undefined))?.isFile()) {
    return { error: `${what} ${file} of ${ctx.action.ref} does not exist` };
  }
  return file;
}
