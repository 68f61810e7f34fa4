import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Execution } from '../../../../engine/model/execution.js';
import { type EngineHarness, startEngineHarness } from '../../../support/engine-harness.js';

const WFTEST = fileURLToPath(new URL('../../../fixtures/workflow-packs/wftest/', import.meta.url));

describe('orquesta workflows through the real engine (scheduler, runner, workflows role)', () => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await startEngineHarness({ workflows: true, packPaths: [WFTEST], concurrency: 8 });
  });
  afterAll(async () => h?.close());

  async function children(id: string): Promise<Execution[]> {
    return (await h.store.executions.list({ parent: id, limit: 1000, order: 'asc' })).items;
  }

  it('runs a sequence: each task a child execution with parent, root and orquesta context; publish reaches output', async () => {
    const wf = await h.run('wftest.sequence', { who: 'ops' });
    expect(wf.status).toBe('succeeded');
    expect(wf.result).toEqual({ output: { greeting: 'hello ops', who: 'ops' } });
    const kids = await children(wf.id);
    expect(kids.map((k) => [k.context.orquesta, k.action.ref, k.status])).toEqual([
      [{ workflow_execution_id: wf.id, task_name: 'first', task_id: 'first', route: 0 }, 'core.echo', 'succeeded'],
      [{ workflow_execution_id: wf.id, task_name: 'second', task_id: 'second', route: 0 }, 'core.echo', 'succeeded'],
    ]);
    for (const k of kids) {
      expect(k.parent).toBe(wf.id);
      expect(k.context.parent).toEqual({ execution_id: wf.id });
      expect(k.context.root).toEqual({ execution_id: wf.id });
      expect(k.context.user).toBe('tester');
    }
    expect(kids[1]?.parameters).toMatchObject({ message: 'second' });
    expect((await h.store.executions.get(wf.id))?.children.sort()).toEqual(kids.map((k) => k.id).sort());
  });

  it('never evaluates expressions inside a caller input', async () => {
    const wf = await h.run('wftest.sequence', { who: '<% ctx(who) %> {{ 7 * 7 }}' });
    expect(wf.status).toBe('succeeded');
    const [first] = await children(wf.id);
    expect(first?.parameters).toMatchObject({ message: 'hello <% ctx(who) %> {{ 7 * 7 }}' });
    expect(wf.result).toMatchObject({ output: { who: '<% ctx(who) %> {{ 7 * 7 }}' } });
  });

  it('runs parallel branches into a join that merges both contexts', async () => {
    const wf = await h.run('wftest.parallel');
    expect(wf.status).toBe('succeeded');
    expect(wf.result).toEqual({ output: { both: 'LR' } });
    const kids = await children(wf.id);
    const tasks = kids.map((k) => (k.context.orquesta as { task_name: string }).task_name).sort();
    expect(tasks).toEqual(['left', 'right', 'start', 'together']);
  });

  it('takes the failure path when: <% failed() %> and succeeds', async () => {
    const wf = await h.run('wftest.remediate');
    expect(wf.status).toBe('succeeded');
    expect(wf.result).toEqual({ output: { code: 3 } });
    const kids = await children(wf.id);
    expect(kids.map((k) => [(k.context.orquesta as { task_name: string }).task_name, k.status])).toEqual([
      ['broken', 'failed'],
      ['cleanup', 'succeeded'],
    ]);
  });

  it('runs with-items no more than `concurrency` at a time, results in item order', async () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    const wf = await h.run('wftest.items', { names }, 30_000);
    expect(wf.status).toBe('succeeded');
    expect(wf.result).toEqual({ output: { outs: names } });
    const kids = await children(wf.id);
    expect(kids.map((k) => (k.context.orquesta as { item_id: number }).item_id).sort()).toEqual([0, 1, 2, 3, 4]);
    // At each child's start, count the siblings that had started and not yet ended.
    const spans = kids.map((k) => ({
      start: Date.parse(k.log.find((l) => l.status === 'running')?.timestamp ?? ''),
      end: Date.parse(k.end_timestamp ?? ''),
    }));
    const overlap = Math.max(...spans.map((s) => spans.filter((o) => o.start <= s.start && o.end > s.start).length));
    expect(overlap).toBeLessThanOrEqual(2);
  });

  it('fails on an unhandled failure with errors naming the task, output rendered, nothing after it', async () => {
    const wf = await h.run('wftest.unhandled');
    expect(wf.status).toBe('failed');
    const result = wf.result as { output: unknown; errors: { type: string; task_id?: string; message: string }[] };
    expect(result.output).toEqual({ stage: 'one' });
    expect(result.errors[0]).toMatchObject({ type: 'error', task_id: 'step2' });
    const kids = await children(wf.id);
    expect(kids.map((k) => (k.context.orquesta as { task_name: string }).task_name)).toEqual(['step1', 'step2']);
  });

  it('fails a task whose action cannot be requested, with the reason as its result', async () => {
    const wf = await h.run('wftest.refused');
    expect(wf.status).toBe('succeeded');
    const why = (wf.result as { output: { why: string } }).output.why;
    expect(why).toMatch(/Invalid parameters for core\.echo/);
    const kids = await children(wf.id);
    expect(kids.map((k) => (k.context.orquesta as { task_name: string }).task_name)).toEqual(['after']);
  });

  it('runs a sub-workflow as a task: its result is {output}, its tasks carry the top workflow as root', async () => {
    const wf = await h.run('wftest.nested');
    expect(wf.status).toBe('succeeded');
    expect(wf.result).toEqual({ output: { said: 'hello nested' } });
    const [inner] = await children(wf.id);
    expect(inner?.action.ref).toBe('wftest.sequence');
    const grandchildren = await children(inner?.id ?? '');
    expect(grandchildren).toHaveLength(2);
    for (const g of grandchildren) {
      expect(g.context.parent).toEqual({ execution_id: inner?.id });
      expect(g.context.root).toEqual({ execution_id: wf.id });
    }
  });

  it('retries a failed task as a new child execution each time, then fails', async () => {
    const wf = await h.run('wftest.retried');
    expect(wf.status).toBe('failed');
    const kids = await children(wf.id);
    expect(kids.map((k) => [(k.context.orquesta as { task_name: string }).task_name, k.status])).toEqual([
      ['flaky', 'failed'],
      ['flaky', 'failed'],
      ['flaky', 'failed'],
    ]);
    expect(new Set(kids.map((k) => k.id)).size).toBe(3);
  });

  it('a redelivered completion changes nothing: no task is handed out twice', async () => {
    const wf = await h.run('wftest.sequence', { who: 'again' });
    const kids = await children(wf.id);
    for (const k of kids) await h.bus.publish('execution.completed', { id: k.id });
    await h.executions.waitForTerminal(wf.id, 1000);
    expect(await children(wf.id)).toHaveLength(kids.length);
    expect((await h.store.executions.get(wf.id))?.status).toBe('succeeded');
  });

  it('ends a workflow past its timeout parameter as timeout, canceling the running task; nothing after it starts', async () => {
    const wf = await h.run('wftest.timed', {}, 20_000);
    expect(wf.status).toBe('timeout');
    expect(wf.result).toEqual({
      output: null,
      errors: [{ type: 'error', message: 'The workflow timed out after 1 seconds.' }],
    });
    const done = await h.executions.waitForTerminal((await children(wf.id))[0]?.id ?? '', 20_000);
    expect(done?.status).toBe('canceled');
    expect((await children(wf.id)).map((k) => (k.context.orquesta as { task_name: string }).task_name)).toEqual([
      'long',
    ]);
  });
});
