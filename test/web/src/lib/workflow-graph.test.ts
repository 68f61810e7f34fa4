import { describe, expect, it } from 'vitest';
import { graphColumns, taskName } from '../../../../web/src/lib/workflow-graph.ts';

const task = (id: string, name: string, start: string, end?: string, parent = 'wf') => ({
  id,
  status: end ? 'succeeded' : 'running',
  start_timestamp: `2026-12-01T10:00:${start}.000Z`,
  ...(end ? { end_timestamp: `2026-12-01T10:00:${end}.000Z` } : {}),
  parent,
  action: { ref: 'core.noop' },
  context: { orquesta: { task_name: name } },
});

describe('workflow graph', () => {
  it('puts tasks that ran side by side in one column and later ones after', () => {
    const cols = graphColumns('wf', [
      task('c', 'join', '05'),
      task('a', 'left', '01', '03'),
      task('b', 'right', '02', '04'),
      task('x', 'nested', '02', '03', 'other'),
    ]);
    expect(cols.map((c) => c.map((t) => t.name))).toEqual([['left', 'right'], ['join']]);
    expect(cols[1]![0]).toMatchObject({ id: 'c', status: 'running' });
  });

  it('names a task by Orquesta context, with-items by index, else by action', () => {
    expect(taskName({ ...task('a', 't', '01'), context: { orquesta: { task_name: 't', item_id: 2 } } })).toBe('t[2]');
    expect(taskName({ ...task('a', 't', '01'), context: {} })).toBe('core.noop');
  });
});
