/**
 * Every runner type Squall implements, in whichever process runs it (the built-ins of
 * runner-registry.ts and the ones app/engine-core.ts adds). Pack validation works without building
 * the runners, so it checks action files against this list; a test keeps it equal to the registry.
 */
export const RUNNER_TYPES: readonly string[] = [
  'noop',
  'local-shell-cmd',
  'local-shell-script',
  'remote-shell-cmd',
  'remote-shell-script',
  'http-request',
  'announcement',
  'chat-post',
  'orquesta',
  'action-chain',
  'python-script',
  'pack-management',
  // core.ask's runner, from the inquiries part.
  'inquirer',
];

export function isRunnerType(name: string): boolean {
  return RUNNER_TYPES.includes(name);
}

/** The problem for an action whose runner Squall lacks (`winrm-cmd`, a custom runner, a typo). */
export function unsupportedRunner(name: string): string {
  return `runner ${name} is not supported`;
}
