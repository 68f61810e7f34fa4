import { describe, expect, it } from 'vitest';
import { noopRunner } from '../../../engine/runners/noop-runner.js';
import type { Runner } from '../../../engine/runners/runner.js';
import { createRunnerRegistry } from '../../../engine/runners/runner-registry.js';
import { makeRunContext } from '../../support/run-context.js';

describe('runner registry', () => {
  it('offers the built-in runners by StackStorm name', () => {
    const reg = createRunnerRegistry();
    expect(reg.list().map((r) => r.name)).toEqual([
      'noop',
      'local-shell-cmd',
      'local-shell-script',
      'remote-shell-cmd',
      'remote-shell-script',
      'http-request',
    ]);
    expect(reg.has('local-shell-cmd')).toBe(true);
    expect(reg.get('local-shell-cmd')?.parameters.cmd?.required).toBe(true);
    expect(reg.get('python-script')).toBeUndefined();
    expect(reg.has('python-script')).toBe(false);
  });

  it('adds extra runners, and an extra with a built-in name replaces it', async () => {
    const custom: Runner = {
      name: 'orquesta',
      description: 'x',
      parameters: {},
      run: async () => ({ status: 'succeeded', result: {} }),
    };
    const loud: Runner = { ...custom, name: 'noop', description: 'replacement' };
    const reg = createRunnerRegistry([custom, loud]);
    expect(reg.get('orquesta')).toBe(custom);
    expect(reg.get('noop')?.description).toBe('replacement');
    expect(reg.list()).toHaveLength(7);
  });

  it('noop succeeds with StackStorm result', async () => {
    const out = await noopRunner.run(makeRunContext({ runnerType: 'noop' }).ctx);
    expect(out).toEqual({ status: 'succeeded', result: { failed: false, succeeded: true, return_code: 0 } });
  });
});
