import { describe, expect, it } from 'vitest';
import { validateChain } from '../../../../engine/workflows/chain/chain-spec.js';

describe('action-chain definitions', () => {
  it('starts at default, else at the first task nothing links to', () => {
    const linked = 'chain:\n  - {name: b, ref: core.noop}\n  - {name: a, ref: core.noop, on-success: b}\n';
    expect(validateChain(linked).spec?.start).toBe('a');
    expect(validateChain(`default: b\n${linked}`).spec?.start).toBe('b');
  });

  it("reads st2's older `params` spelling", () => {
    const { spec } = validateChain('chain:\n  - {name: a, ref: core.echo, params: {message: hi}}\n');
    expect(spec?.chain[0]?.parameters).toEqual({ message: 'hi' });
  });

  it('lists each problem with its path', () => {
    const { spec, problems } = validateChain(
      'default: zz\nchain:\n  - {name: a-b, ref: core.noop}\n  - {name: c, on-failure: d, colour: red}\n  - {name: c, ref: x.y}\n',
    );
    expect(spec).toBeUndefined();
    expect(problems).toEqual([
      'chain[0].name: is required, letters, digits and underscores only',
      'chain[1].colour: unknown key',
      'chain[1].ref: is required (an action ref)',
      'chain[2].name: task "c" is defined twice',
      'chain[1].on-failure: task "d" is not defined',
      'default: task "zz" is not defined',
    ]);
  });

  it('refuses a document without a chain', () => {
    expect(validateChain('tasks: {}\n').problems).toContain('chain: must be a non-empty list of tasks');
    expect(validateChain(': :\n  -').problems[0]).toMatch(/^the YAML cannot be parsed/);
  });
});
