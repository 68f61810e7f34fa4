import { effectiveSpecs } from '../actions/parameters.js';
import type { Action, ParamSpecs } from '../model/action.js';
import { httpRequestRunner } from './http-request-runner.js';
import { localShellCmdRunner } from './local-shell-cmd-runner.js';
import { localShellScriptRunner } from './local-shell-script-runner.js';
import { noopRunner } from './noop-runner.js';
import { remoteShellCmdRunner } from './remote-shell-cmd-runner.js';
import { remoteShellScriptRunner } from './remote-shell-script-runner.js';
import type { Runner } from './runner.js';

/** The runners one process offers, by StackStorm runner type name. */
export interface RunnerRegistry {
  /** The runner for a runner type, or undefined when this process has none by that name. */
  get(name: string): Runner | undefined;
  /** Every runner, built-ins first, in registration order. */
  list(): Runner[];
  has(name: string): boolean;
  /**
   * The parameters an action takes in full: its runner's, overridden by its own (effectiveSpecs).
   * An action whose runner this process lacks keeps just its own.
   */
  specsOf(action: Pick<Action, 'runner_type' | 'parameters'>): ParamSpecs;
}

/** Squall's built-in runners. */
export function builtinRunners(): Runner[] {
  return [
    noopRunner,
    localShellCmdRunner,
    localShellScriptRunner,
    remoteShellCmdRunner,
    remoteShellScriptRunner,
    httpRequestRunner,
  ];
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
    specsOf: (action) => effectiveSpecs(byName.get(action.runner_type)?.parameters ?? {}, action.parameters),
  };
}
