import type { Runner } from './runner.js';

/** `noop` (`core.noop`): does nothing and succeeds; handy for testing rules and aliases. */
export const noopRunner: Runner = {
  name: 'noop',
  description: 'Does nothing and succeeds.',
  parameters: {},
  run: async () => ({ status: 'succeeded', result: { failed: false, succeeded: true, return_code: 0 } }),
};
