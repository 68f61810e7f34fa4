import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validatePackDir } from '../../../../engine/packs/pack-registrar.js';

const fixture = (p: string) => fileURLToPath(new URL(`../../../fixtures/${p}/`, import.meta.url));

describe('orquesta actions: the workflow file is validated with the pack', () => {
  it('names the action file, the workflow file and the problem', async () => {
    const problems = await validatePackDir(fixture('workflow-packs-bad/wfbad'));
    expect(problems).toEqual([
      expect.objectContaining({
        file: expect.stringContaining('actions/broken.yaml'),
        field: 'entry_point',
        problem:
          'workflow actions/workflows/broken.yaml is invalid: tasks.a.next[0].do: task "missing_task" is not defined',
      }),
    ]);
  });

  it('accepts valid workflows', async () => {
    expect(await validatePackDir(fixture('workflow-packs/wftest'))).toEqual([]);
  });
});

describe('action-chain actions: the chain file is validated with the pack', () => {
  it('names the chain file and the link to a task it does not define', async () => {
    const problems = await validatePackDir(fixture('workflow-packs-bad/chainbad'));
    expect(problems).toEqual([
      expect.objectContaining({
        file: expect.stringContaining('actions/broken.yaml'),
        field: 'entry_point',
        problem:
          'action-chain actions/chains/broken.yaml is invalid: chain[0].on-success: task "missing_task" is not defined',
      }),
    ]);
  });

  it('accepts valid chains', async () => {
    expect(await validatePackDir(fixture('workflow-packs/chaintest'))).toEqual([]);
  });
});
