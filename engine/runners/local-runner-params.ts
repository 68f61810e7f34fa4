import type { ParamSpecs } from '../model/action.js';

/** Runner parameters shared by the local shell runners (StackStorm's `runner.yaml`). */
export const LOCAL_SHELL_PARAMETERS: ParamSpecs = {
  cwd: { type: 'string', description: 'Working directory the command runs in.' },
  env: { type: 'object', description: 'Environment variables added for the command.' },
  kwarg_op: { type: 'string', default: '--', description: 'Prefix of named arguments passed to scripts.' },
  sudo: { type: 'boolean', default: false, description: 'Run the command with sudo.' },
  sudo_password: { type: 'string', secret: true, description: 'Password sudo asks for, if it asks.' },
  timeout: { type: 'integer', default: 60, description: 'Seconds before the command is killed.' },
};
