export type { RunContext, RunOutcome, RunStatus, Runner } from './runner.js';
export { type RunnerRegistry, builtinRunners, createRunnerRegistry } from './runner-registry.js';
export { noopRunner } from './noop-runner.js';
export { createLocalShellCmdRunner, localShellCmdRunner } from './local-shell-cmd-runner.js';
export { createLocalShellScriptRunner, localShellScriptRunner } from './local-shell-script-runner.js';
export { type RemoteShellCmdRunnerOptions, createRemoteShellCmdRunner, remoteShellCmdRunner } from './remote-shell-cmd-runner.js';
export { type HttpRequestRunnerOptions, createHttpRequestRunner, httpRequestRunner } from './http-request-runner.js';
export type { ProcessRunnerOptions } from './process-runner.js';
