import { httpRequestRunner } from './http-request-runner.js';
import { localShellCmdRunner } from './local-shell-cmd-runner.js';
import { localShellScriptRunner } from './local-shell-script-runner.js';
import { noopRunner } from './noop-runner.js';
import { remoteShellCmdRunner } from './remote-shell-cmd-runner.js';
import type { Runner } from './runner.js';

/** The runners one process offers, by StackStorm runner type name. */
export interface RunnerRegistry {
  /** The runner for a runner type, or undefined when this process has none by that name. */
  get(name: string): Runner | undefined;
  /** Every runner, built-ins first, in registration order. */
  list(): Runner[];
  has(name: string): boolean;
}

/** Squall's built-in runners. */
export function builtinRunners(): Runner[] {
  return [noopRunner, localShellCmdRunner, localShellScriptRunner, remoteShellCmdRunner, httpRequestRunner];
}

/**
 * The built-in runners plus `extra` ones (workflow, inquirer, ... live in their own parts). An extra
 * runner with a built-in's name replaces it, so a deployment can swap one implementation.
 *
 * @example
 * const runners = createRunnerRegistry([orquestaRunner]);
 * runners.get('local-shell-cmd')?.run(ctx);
 */
export function createRunnerRegistry(extra: Runner[] = []): RunnerRegistry {
  const byName = new Map<string, Runner>();
  for (const r of [...builtinRunners(), ...extra]) byName.set(r.name, r);
  return {
    get: (name) => byName.get(name),
    list: () => [...byName.values()],
    has: (name) => byName.has(name),
  };
}
