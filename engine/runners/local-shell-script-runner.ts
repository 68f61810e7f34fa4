import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { LOCAL_SHELL_PARAMETERS } from './local-runner-params.js';
import {
  childEnv,
  type ProcessRunnerOptions,
  resolveProcessOptions,
  runProcess,
  startFailure,
  withSudo,
} from './process-runner.js';
import type { RunContext, Runner } from './runner.js';
import { readBoolean, readEnv, readString } from './runner-params.js';
import { actionParams, scriptArguments, scriptEnv } from './script-args.js';

const PARAMETERS = LOCAL_SHELL_PARAMETERS;

/**
 * The script file for an action: `entry_point` under `<pack.path>/actions/`. An entry point that climbs
 * out of its pack is refused, so a pack cannot point Squall at arbitrary files by mistake.
 */
function scriptPath(ctx: RunContext): string | { error: string } {
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
 * `local-shell-script`: runs the action's script with the parameters as arguments (positional by
 * `position`, then `--name=value`) and as `ST2_PARAM_<NAME>` variables. Parameters never become shell
 * text: `core.echo` hands chat text over as one argv entry.
 *
 * @example
 * await createLocalShellScriptRunner().run(ctx); // ctx.action.entry_point = 'echo.sh'
 */
export function createLocalShellScriptRunner(options?: ProcessRunnerOptions): Runner {
  const opts = resolveProcessOptions(options);
  return {
    name: 'local-shell-script',
    description: "Runs an action's script on the runner host, parameters as arguments.",
    parameters: PARAMETERS,
    async run(ctx) {
      const file = scriptPath(ctx);
      if (typeof file !== 'string') return startFailure(file.error);
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) return startFailure(`Script ${file} of ${ctx.action.ref} does not exist`);

      const p = ctx.parameters;
      const own = actionParams(p, PARAMETERS);
      const args = scriptArguments(ctx.action.parameters, PARAMETERS, own, readString(p, 'kwarg_op') ?? '--');
      // Any execute bit counts: a script without one is run by bash, as StackStorm does.
      const executable = (info.mode & 0o111) !== 0;
      const spec = withSudo(
        {
          file: executable ? file : 'bash',
          args: executable ? args : [file, ...args],
          cwd: readString(p, 'cwd'),
          env: childEnv({ ...scriptEnv(own), ...readEnv(p, 'env') }, ctx.env),
        },
        readBoolean(p, 'sudo', false),
        readString(p, 'sudo_password'),
      );
      return runProcess(ctx, spec, opts);
    },
  };
}

export const localShellScriptRunner: Runner = createLocalShellScriptRunner();
