export { createHttpRequestRunner, type HttpRequestRunnerOptions, httpRequestRunner } from './http-request-runner.js';
export { createLocalShellCmdRunner, localShellCmdRunner } from './local-shell-cmd-runner.js';
export { createLocalShellScriptRunner, localShellScriptRunner } from './local-shell-script-runner.js';
export { noopRunner } from './noop-runner.js';
export type { ProcessRunnerOptions } from './process-runner.js';
export {
  createRemoteShellCmdRunner,
  type RemoteShellCmdRunnerOptions,
  remoteShellCmdRunner,
} from './remote-shell-cmd-runner.js';
export type { RunContext, Runner, RunOutcome, RunStatus } from './runner.js';
export { builtinRunners, createRunnerRegistry, type RunnerRegistry } from './runner-registry.js';
