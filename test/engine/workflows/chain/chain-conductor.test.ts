import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Execution } from '../../../../engine/model/execution.js';
import { type EngineHarness, startEngineHarness } from '../../../support/engine-harness.js';

const CHAINTEST = fileURLToPath(new URL('../../../fixtures/workflow-packs/chaintest/', import.meta.url));

interface ChainResult {
  tasks: { id: string; name: string; execution_id: string; state: string; result: Record<string, unknown> }[];
  published?: Record<string, unknown>;
  error?: string;
}

describe('action-chain workflows through the real engine (scheduler, runner, workflows role)', () => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await startEngineHarness({ workflows: true, packPaths: [CHAINTEST], concurrency: 8 });
  });
  afterAll(async () => h?.close());

  async function children(id: string): Promise<Execution[]> {
    return (await h.store.executions.list({ parent: id, limit: 1000, order: 'asc' })).items;
  }

  it('runs on-success links: results under the task name, vars, publish and __results in scope', async () => {
    const wf = await h.run('chaintest.greet', { who: 'ops' }, 30_000);
    expect(wf.status).toBe('succeeded');
    const result = wf.result as unknown as ChainResult;
    expect(result.tasks.map((t) => [t.name, t.state])).toEqual([
      ['first', 'succeeded'],
      ['second', 'succeeded'],
    ]);
    expect(result.published).toEqual({ shout: 'hello ops' });
    const kids = await children(wf.id);
    expect(kids.map((k) => k.id)).toEqual(result.tasks.map((t) => t.execution_id));
    expect(kids[1]?.parameters).toMatchObject({ message: `hello ops from ${wf.id} after 0` });
    expect(result.tasks[1]?.result).toMatchObject({ stdout: `hello ops from ${wf.id} after 0` });
    for (const k of kids) {
      expect(k.parent).toBe(wf.id);
      expect(k.context.parent).toEqual({ execution_id: wf.id });
      expect(k.context.root).toEqual({ execution_id: wf.id });
      expect(k.context.chain).toMatchObject({ workflow_execution_id: wf.id, route: 0 });
    }
    expect(kids[0]?.context.chain).toMatchObject({ name: 'first', ref: 'core.echo' });
  });

  it('never renders a caller input or a result as a template', async () => {
    const wf = await h.run('chaintest.greet', { who: '{{ 7 * 7 }}' }, 30_000);
    expect(wf.status).toBe('succeeded');
    expect((wf.result as unknown as ChainResult).published).toEqual({ shout: 'hello {{ 7 * 7 }}' });
    const [, second] = await children(wf.id);
    expect(second?.parameters.message).toMatch(/^hello \{\{ 7 \* 7 \}\} from /);
  });

  it('follows on-failure: the failing task is listed failed and the chain ends with the last task (succeeded)', async () => {
    const wf = await h.run('chaintest.remediate', {}, 30_000);
    expect(wf.status).toBe('succeeded');
    const result = wf.result as unknown as ChainResult;
    expect(result.tasks.map((t) => [t.name, t.state])).toEqual([
      ['broken', 'failed'],
      ['cleanup', 'succeeded'],
    ]);
    expect(result.tasks[0]?.result).toMatchObject({ return_code: 3 });
    expect(result.tasks[1]?.result).toMatchObject({ stdout: 'cleaning after 3' });
  });

  it('fails at a failing task with no on-failure; nothing after it runs', async () => {
    const wf = await h.run('chaintest.unhandled', {}, 30_000);
    expect(wf.status).toBe('failed');
    const result = wf.result as unknown as ChainResult;
    expect(result.tasks.map((t) => [t.name, t.state])).toEqual([
      ['step1', 'succeeded'],
      ['step2', 'failed'],
    ]);
    expect(result.tasks[1]?.result).toMatchObject({ stderr: 'broken' });
    expect(await children(wf.id)).toHaveLength(2);
  });

  it('fails with an error naming the task when its parameters cannot be rendered', async () => {
    const wf = await h.run('chaintest.badrender', {}, 30_000);
    expect(wf.status).toBe('failed');
    const result = wf.result as unknown as ChainResult;
    expect(result.error).toMatch(/^Failed to run task "c2"\. Parameter rendering failed\. .*undefined/);
    expect(result.tasks.map((t) => t.name)).toEqual(['c1']);
  });

  it('leaves published out of the result when display_published is false', async () => {
    const wf = await h.run('chaintest.hidden', { who: 'x' }, 30_000);
    expect(wf.status).toBe('succeeded');
    expect(wf.result).not.toHaveProperty('published');
  });

  it('cancel cascades to the running task and nothing after it starts', async () => {
    const e = await h.executions.request({ action: 'chaintest.slow', parameters: {}, context: { user: 'tester' } });
    let kids: Execution[] = [];
    for (let i = 0; i < 200 && !kids.some((k) => k.status === 'running'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      kids = await children(e.id);
    }
    await h.executions.cancel(e.id, 'tester');
    const done = await h.executions.waitForTerminal(e.id, 20_000);
    expect(done?.status).toBe('canceled');
    kids = await children(e.id);
    expect(kids.map((k) => [(k.context.chain as { name: string }).name, k.status])).toEqual([['wait', 'canceled']]);
  });

  it('re-runs from a task: earlier tasks are not run again, their results stay in scope', async () => {
    const wf = await h.run('chaintest.greet', { who: 'ops' }, 30_000);
    const again = await h.executions.rerun(wf.id, { user: 'tester', tasks: ['second'] });
    const done = await h.executions.waitForTerminal(again.id, 30_000);
    expect(done?.status).toBe('succeeded');
    const result = done?.result as unknown as ChainResult;
    expect(result.tasks.map((t) => t.name)).toEqual(['second']);
    expect(result.published).toEqual({ shout: 'hello ops' });
    const kids = await children(again.id);
    expect(kids.map((k) => (k.context.chain as { name: string }).name)).toEqual(['second']);
    expect(kids[0]?.parameters.message).toBe(`hello ops from ${again.id} after 0`);
    const two = await h.executions.rerun(wf.id, { user: 'tester', tasks: ['first', 'second'] });
    const refused = await h.executions.waitForTerminal(two.id, 30_000);
    expect(refused?.status).toBe('failed');
    expect(refused?.result).toEqual({ error: 'An action-chain runs one task at a time: re-run it from one task.' });
  });
});
