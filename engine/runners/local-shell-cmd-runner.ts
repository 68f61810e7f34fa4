import { LOCAL_SHELL_PARAMETERS } from './local-runner-params.js';
import { childEnv, type ProcessRunnerOptions, resolveProcessOptions, runProcess, withSudo } from './process-runner.js';
import type { Runner } from './runner.js';
import { readBoolean, readEnv, readString, requireString } from './runner-params.js';

/**
 * `local-shell-cmd`: runs the `cmd` parameter with `bash -c` on the runner's host. The command line
 * is the action's whole purpose (`core.local`), so it is shell text written by whoever may run it.
 *
 * @example
 * await createLocalShellCmdRunner().run({ ...ctx, parameters: { cmd: 'uptime' } });
 */
export function createLocalShellCmdRunner(options?: ProcessRunnerOptions): Runner {
  const opts = resolveProcessOptions(options);
  return {
    name: 'local-shell-cmd',
    description: 'Runs a shell command on the runner host.',
    parameters: {
      cmd: { type: 'string', required: true, description: 'Shell command to run (bash -c).' },
      ...LOCAL_SHELL_PARAMETERS,
    },
    run(ctx) {
      const p = ctx.parameters;
      const cmd = requireString(p, 'cmd');
      const spec = withSudo(
        { file: 'bash', args: ['-c', cmd], cwd: readString(p, 'cwd'), env: childEnv(readEnv(p, 'env'), ctx.env) },
        readBoolean(p, 'sudo', false),
        readString(p, 'sudo_password'),
      );
      return runProcess(ctx, spec, opts);
    },
  };
}

export const localShellCmdRunner: Runner = createLocalShellCmdRunner();
