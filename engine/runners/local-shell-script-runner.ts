import { stat } from 'node:fs/promises';
import { actionFile } from './action-file.js';
import { LOCAL_SHELL_PARAMETERS } from './local-runner-params.js';
import {
  childEnv,
  type ProcessRunnerOptions,
  resolveProcessOptions,
  runProcess,
  startFailure,
  withSudo,
} from './process-runner.js';
import type { Runner } from './runner.js';
import { readBoolean, readEnv, readString } from './runner-params.js';
import { actionParams, scriptArguments, scriptEnv } from './script-args.js';

const PARAMETERS = LOCAL_SHELL_PARAMETERS;

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
      const file = actionFile(ctx);
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
