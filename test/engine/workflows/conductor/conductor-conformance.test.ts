import { describe, expect, it } from 'vitest';
import { run } from './rehearse-support.js';

describe('sequences', () => {
  it('runs tasks in order, publishing along the way, and renders output', () => {
    const r = run(
      `
version: 1.0
input: [who, {greeting: hello}]
vars: [{count: 0}]
tasks:
  task1:
    action: core.echo message="<% ctx().greeting %> <% ctx().who %>"
    next:
      - when: <% succeeded() %>
        publish: [{msg: <% result().stdout %>}, {n: <% ctx().count + 1 %>}]
        do: task2
  task2:
    action: core.echo
    input: {message: <% ctx().msg %>, n: <% ctx().n %>}
output: [{msg: <% ctx().msg %>}, {n: <% ctx().n %>}]
`,
      { input: { who: 'ops' }, results: [{ task: 'task1', result: { stdout: 'hello ops' } }] },
    );
    expect(r.status).toBe('succeeded');
    expect(r.sequence).toEqual(['task1', 'task2']);
    expect(r.dispatched.map((d) => [d.task, d.input])).toEqual([
      ['task1', { message: 'hello ops' }],
      ['task2', { message: 'hello ops', n: 1 }],
    ]);
    expect(r.output).toEqual({ msg: 'hello ops', n: 1 });
    expect(r.errors).toEqual([]);
  });

  it('hands out next tasks sorted by name, not definition order', () => {
    const r = run(`
version: 1.0
tasks:
  start:
    action: core.noop
    next: [{do: [zulu, alpha, mike]}]
  zulu: {action: core.noop}
  alpha: {action: core.noop}
  mike: {action: core.noop}
`);
    expect(r.sequence).toEqual(['start', 'alpha', 'mike', 'zulu']);
  });

  it('lists the default continue command in the sequence', () => {
    const r = run(`
version: 1.0
tasks:
  t1:
    action: core.noop
    next: [{publish: [{x: 1}]}]
output: [{x: <% ctx().x %>}]
`);
    expect(r.sequence).toEqual(['t1', 'continue']);
    expect(r.output).toEqual({ x: 1 });
  });
});

describe('failure paths', () => {
  const flow = `
version: 1.0
tasks:
  t1:
    action: core.local cmd=false
    next:
      - when: <% succeeded() %>
        do: ok
      - when: <% failed() %>
        publish: [{why: <% result().stderr %>}]
        do: TARGET
  ok: {action: core.noop}
  cleanup: {action: core.noop}
output: [{why: <% ctx().why %>}]
`;

  it('a failure remediated by a task lets the workflow succeed', () => {
    const r = run(flow.replace('TARGET', 'cleanup'), {
      results: [{ task: 't1', status: 'failed', result: { stderr: 'boom' } }],
    });
    expect(r.status).toBe('succeeded');
    expect(r.sequence).toEqual(['t1', 'cleanup']);
    expect(r.output).toEqual({ why: 'boom' });
  });

  it('continue does not remediate: the workflow fails, and output is rendered on failure', () => {
    const r = run(flow.replace('TARGET', 'continue').replace('  cleanup: {action: core.noop}\n', ''), {
      results: [{ task: 't1', status: 'failed', result: { stderr: 'boom' } }],
    });
    expect(r.status).toBe('failed');
    expect(r.sequence).toEqual(['t1', 'continue']);
    expect(r.output).toEqual({ why: 'boom' });
    expect(r.errors).toEqual([
      {
        type: 'error',
        message: 'Execution failed. See result for details.',
        task_id: 't1',
        result: { stderr: 'boom' },
      },
    ]);
  });

  it('noop remediates', () => {
    const r = run(flow.replace('TARGET', 'noop').replace('  cleanup: {action: core.noop}\n', ''), {
      results: [{ task: 't1', status: 'failed', result: { stderr: 'x' } }],
    });
    expect(r.status).toBe('succeeded');
    expect(r.sequence).toEqual(['t1', 'noop']);
  });

  it('fail fails the workflow; a task in the same do still runs', () => {
    const r = run(flow.replace('TARGET', '[cleanup, fail]'), {
      results: [{ task: 't1', status: 'failed', result: { stderr: 'x' } }],
    });
    expect(r.status).toBe('failed');
    expect(r.sequence).toEqual(['t1', 'fail', 'cleanup']);
    expect(r.errors.map((e) => e.task_id)).toEqual(['t1', 'fail']);
  });

  it('fails fast: running siblings finish, nothing new starts', () => {
    const r = run(
      `
version: 1.0
tasks:
  init:
    action: core.noop
    next: [{do: [a, b]}]
  a:
    action: core.noop
    next: [{when: <% succeeded() %>, do: a2}]
  a2: {action: core.noop}
  b: {action: core.noop}
`,
      { results: [{ task: 'b', status: 'failed' }] },
    );
    // a and b start together; b fails, a finishes but a2 never starts.
    expect(r.sequence).toEqual(['init', 'a', 'b']);
    expect(r.status).toBe('failed');
  });

  it('an expression error in a transition fails the workflow, naming task and transition', () => {
    const r = run(
      `
version: 1.0
tasks:
  t1:
    action: core.noop
    next: [{when: <% result().missing %>, do: t2}]
  t2: {action: core.noop}
`,
      { results: [{ task: 't1', result: {} }] },
    );
    expect(r.status).toBe('failed');
    expect(r.errors).toEqual([
      {
        type: 'error',
        message:
          "YaqlEvaluationException: Unable to resolve key 'missing' in expression '<% result().missing %>' from context.",
        task_id: 't1',
        route: 0,
        task_transition_id: 't2__t0',
      },
    ]);
  });

  it('a render error at dispatch fails the workflow and keeps inputs in the output', () => {
    const r = run(
      `
version: 1.0
input: [x]
tasks:
  t1:
    action: core.echo
    input: {message: <% ctx().x.missing %>}
output: [{x: <% ctx().x %>}]
`,
      { input: { x: 1 } },
    );
    expect(r.status).toBe('failed');
    expect(r.sequence).toEqual([]);
    expect(r.errors[0]?.message).toContain('Unknown function "#property#missing"');
    expect(r.errors[0]?.task_id).toBe('t1');
    expect(r.output).toEqual({ x: 1 });
  });
});

describe('joins and splits', () => {
  const diamond = (join: string) => `
version: 1.0
tasks:
  init:
    action: core.noop
    next: [{do: [left, right]}]
  left:
    action: core.noop
    next: [{publish: [{side: left}, {l: 1}], do: merge}]
  right:
    action: core.noop
    next: [{publish: [{side: right}, {r: 1}], do: merge}]
  merge:
    ${join}
    action: core.echo
    input: {side: <% ctx().side %>}
output: [{side: <% ctx().side %>}, {l: <% ctx().l %>}, {r: <% ctx().r %>}]
`;

  it('a join waits for all inbound tasks and merges contexts, later arrival winning', () => {
    const r = run(diamond('join: all'));
    expect(r.sequence).toEqual(['init', 'left', 'right', 'merge']);
    expect(r.dispatched.at(-1)?.input).toEqual({ side: 'right' });
    expect(r.output).toEqual({ side: 'right', l: 1, r: 1 });
  });

  it('without join the task runs once per path, on its own route', () => {
    const r = run(diamond('').replace(/output:.*$/s, ''));
    expect(r.sequence).toEqual(['init', 'left', 'right', 'merge__r1', 'merge__r2']);
    expect(r.dispatched.filter((d) => d.task === 'merge').map((d) => d.input)).toEqual([
      { side: 'left' },
      { side: 'right' },
    ]);
  });

  it('join: 1 runs on the first arrival only', () => {
    const r = run(diamond('join: 1').replace(/output:.*$/s, ''));
    expect(r.sequence).toEqual(['init', 'left', 'right', 'merge']);
  });

  it('a join that can no longer be satisfied fails the workflow', () => {
    const r = run(`
version: 1.0
tasks:
  init:
    action: core.noop
    next: [{do: [a, b]}]
  a:
    action: core.noop
    next: [{when: <% succeeded() %>, do: j}]
  b:
    action: core.noop
    next: [{when: <% failed() %>, do: j}]
  j: {join: all, action: core.noop}
`);
    expect(r.status).toBe('failed');
    expect(r.errors.at(-1)?.message).toBe(
      'UnreachableJoinError: The join task|route "j|0" is partially satisfied but unreachable.',
    );
  });
});

describe('with items', () => {
  const wf = (concurrency: string) => `
version: 1.0
input: [{hosts: [a, b, c, d]}]
tasks:
  ping:
    with:
      items: host in <% ctx().hosts %>
      ${concurrency}
    action: core.local
    input: {cmd: ping <% item(host) %>}
    next: [{when: <% succeeded() %>, publish: [{out: <% result() %>}]}]
output: [{out: <% ctx().out %>}]
`;

  it('runs items in batches of the concurrency and collects per-item results in order', () => {
    const r = run(wf('concurrency: 2'), {
      results: [
        { task: 'ping', item: 1, result: 'B' },
        { task: 'ping', result: 'x' },
      ],
    });
    expect(r.status).toBe('succeeded');
    expect(r.dispatched.map((d) => [d.item, d.input.cmd])).toEqual([
      [0, 'ping a'],
      [1, 'ping b'],
      [2, 'ping c'],
      [3, 'ping d'],
    ]);
    expect(r.output).toEqual({ out: ['x', 'B', null, null] });
    expect(r.sequence).toEqual(['ping', 'continue']);
  });

  it('a failed item fails the task once running items end; unstarted items never start', () => {
    const r = run(wf('concurrency: 1'), { results: [{ task: 'ping', item: 1, status: 'failed', result: 'down' }] });
    expect(r.status).toBe('failed');
    expect(r.dispatched.map((d) => d.item)).toEqual([0, 1]);
    expect(r.errors[0]).toMatchObject({ task_id: 'ping', result: [null, 'down', null, null] });
  });

  it('an empty list completes at once with an empty result', () => {
    const r = run(wf(''), { input: { hosts: [] } });
    expect(r.status).toBe('succeeded');
    expect(r.dispatched).toEqual([]);
    expect(r.output).toEqual({ out: [] });
  });

  it('items that are not a list fail the workflow', () => {
    const r = run(wf(''), { input: { hosts: 'a' } });
    expect(r.status).toBe('failed');
    expect(r.errors[0]?.message).toBe('TypeError: The value of "<% ctx().hosts %>" is not type of list.');
  });
});

describe('retry', () => {
  it('retries a failing task up to count, reusing its sequence entry', () => {
    const r = run(
      `
version: 1.0
tasks:
  flaky:
    action: core.http url=http://x
    retry: {count: 2, when: <% failed() %>}
    next: [{when: <% succeeded() %>, publish: [{body: <% result() %>}]}]
output: [{body: <% ctx().body %>}]
`,
      {
        results: [
          { task: 'flaky', status: 'failed' },
          { task: 'flaky', status: 'failed' },
          { task: 'flaky', result: 'ok' },
        ],
      },
    );
    expect(r.status).toBe('succeeded');
    expect(r.sequence).toEqual(['flaky', 'continue']);
    expect(r.dispatched).toHaveLength(3);
    expect(r.output).toEqual({ body: 'ok' });
  });

  it('gives up after count retries and fails the workflow', () => {
    const r = run(
      `
version: 1.0
tasks:
  flaky:
    action: core.noop
    retry: {count: 1}
`,
      { results: [{ task: 'flaky', status: 'failed' }, { task: 'flaky', status: 'failed' }, { task: 'flaky' }] },
    );
    expect(r.status).toBe('failed');
    expect(r.dispatched).toHaveLength(2);
  });

  it('do: retry without when retries three times even on success', () => {
    const r = run(`
version: 1.0
tasks:
  t:
    action: core.noop
    next: [{do: retry}]
`);
    expect(r.dispatched).toHaveLength(4);
    expect(r.status).toBe('succeeded');
  });
});

describe('loops and publish order', () => {
  it('a loop re-runs its task until the condition changes, each run a new sequence entry', () => {
    const r = run(`
version: 1.0
vars: [{n: 0}]
tasks:
  init:
    action: core.noop
    next: [{do: step}]
  step:
    action: core.echo
    input: {n: <% ctx().n %>}
    next:
      - publish: [{n: <% ctx().n + 1 %>}]
        do: check
  check:
    next:
      - when: <% ctx().n < 3 %>
        do: step
      - when: <% ctx().n >= 3 %>
        do: done
  done: {action: core.noop}
output: [{n: <% ctx().n %>}]
`);
    expect(r.status).toBe('succeeded');
    expect(r.sequence).toEqual(['init', 'step', 'check', 'step', 'check', 'step', 'check', 'done']);
    expect(r.dispatched.filter((d) => d.task === 'step').map((d) => d.input.n)).toEqual([0, 1, 2]);
    expect(r.output).toEqual({ n: 3 });
  });

  it('publish items see the earlier ones; a sibling branch does not see them', () => {
    const r = run(`
version: 1.0
tasks:
  t1:
    action: core.noop
    next:
      - publish: [{a: 1}, {b: <% ctx().a + 1 %>}]
        do: t2
      - do: t3
  t2:
    action: core.echo
    input: {b: <% ctx().b %>}
  t3:
    action: core.echo
    input: {keys: <% ctx().keys().len() %>}
`);
    expect(r.dispatched.map((d) => [d.task, d.input])).toEqual([
      ['t1', {}],
      ['t2', { b: 2 }],
      ['t3', { keys: 0 }],
    ]);
  });
});

describe('data is never evaluated (deliberate fix)', () => {
  it('an input or an action result holding an expression stays literal', () => {
    const r = run(
      `
version: 1.0
input: [msg, {secret: hunter2}]
tasks:
  t1:
    action: core.echo
    input: {message: <% ctx().msg %>, text: "got <% ctx().msg %>"}
    next: [{publish: [{out: <% result() %>}], do: t2}]
  t2:
    action: core.echo
    input: {message: <% ctx().out %>}
`,
      {
        input: { msg: '<% ctx().secret %>' },
        results: [{ task: 't1', result: '{{ ctx("secret") }}' }],
      },
    );
    expect(r.dispatched.map((d) => d.input)).toEqual([
      { message: '<% ctx().secret %>', text: 'got <% ctx().secret %>' },
      { message: '{{ ctx("secret") }}' },
    ]);
  });
});
