import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../../../engine/workflows/spec/spec-types.js';
import { validateWorkflow } from '../../../../engine/workflows/spec/validate-spec.js';

const problems = (yaml: string) => validateWorkflow(yaml).problems.map(formatProblem);

describe('workflow validation', () => {
  it('accepts a valid workflow, with the inline action form and `with` shorthand', () => {
    const r = validateWorkflow(`
version: 1.0
description: demo
input: [hosts, {retries: 2}]
vars: [{seen: []}]
tasks:
  ping:
    with: host in <% ctx().hosts %>
    action: core.local cmd="ping <% item(host) %>" timeout=5
    retry: {when: <% failed() %>, count: <% ctx().retries %>, delay: 1}
    next:
      - when: <% succeeded() %>
        publish: out=<% result() %> flag=true
        do: report, done
  report: {action: core.echo, input: {message: <% ctx().out %>}}
  done: {}
output: [{out: <% ctx().out %>}]
`);
    expect(r.problems).toEqual([]);
    const ping = r.spec?.tasks.get('ping');
    expect(ping?.action).toBe('core.local');
    expect(ping?.input).toEqual({ cmd: 'ping <% item(host) %>', timeout: 5 });
    expect(ping?.with).toEqual({ items: '<% ctx().hosts %>', names: ['host'], concurrency: undefined });
    expect(ping?.next[0]?.do).toEqual(['report', 'done']);
    expect(ping?.next[0]?.publish).toEqual([
      { name: 'out', value: '<% result() %>' },
      { name: 'flag', value: true },
    ]);
    expect(r.spec?.tasks.get('done')?.next).toEqual([]);
  });

  it('reports each problem as path: message', () => {
    expect(
      problems(`
version: 2.0
colour: red
tasks:
  my-task: {action: core.noop}
  t1:
    action: core.noop
    when: x
    join: maybe
    next:
      - do: ghost
      - when: <% ctx(nope) %>
        do: t2
  t2:
    action: core.echo
    input: {m: "<% 1 + %>", n: "<% frobnicate() %>", o: "<% 1 %>{{ 2 }}"}
  fail: {action: core.noop}
`),
    ).toEqual([
      'colour: is not a workflow property',
      "version: 2 is not one of ['1.0', 1.0]",
      'tasks.my-task: task name "my-task" must be letters, digits and underscores only (\\w+)',
      'tasks.t1.when: is not a task property',
      'tasks.t1.join: must be "all" or a whole number of inbound tasks',
      'tasks.t1.next[0].do: task "ghost" is not defined',
      'tasks.fail: "fail" is an engine command and cannot name a task',
      'tasks.t1.next[1].when: Variable "nope" is referenced before assignment.',
      'tasks.t2.input.m: cannot parse <% 1 + %>: unexpected end of expression',
      'tasks.t2.input.n: unknown function "frobnicate" in <% frobnicate() %>',
      'tasks.t2.input.o: Expression with multiple types is not supported.',
    ]);
  });

  it('rejects unreadable YAML and missing tasks', () => {
    expect(problems('tasks: [')[0]).toMatch(/^the YAML cannot be parsed/);
    expect(problems('version: 1.0')).toEqual(['tasks: is required']);
  });

  it('needs a start task', () => {
    expect(problems('tasks:\n  a: {next: [{do: b}]}\n  b: {next: [{do: a}]}\n')).toEqual([
      'tasks: Unable to identify any tasks to start the workflow. If the workflow has a loop, please add a task that serves as an entry point (or lead) into the loop.',
    ]);
  });

  it('a variable published on any branch into a join is known to the join (deliberate fix)', () => {
    const wf = (join: string) => `
version: 1.0
tasks:
  init: {next: [{do: [short, long1]}]}
  short: {next: [{do: merge}]}
  long1: {next: [{do: long2}]}
  long2: {next: [{publish: [{x: 1}], do: merge}]}
  merge:
    ${join}
    action: core.echo
    input: {x: <% ctx().x %>}
`;
    expect(problems(wf('join: all'))).toEqual([]);
    // Without a join, merge runs once per path, and on the short path x is not set.
    expect(problems(wf(''))).toEqual(['tasks.merge.input.x: Variable "x" is referenced before assignment.']);
  });

  it('knows inputs, vars and earlier publishes of the same transition', () => {
    expect(
      problems(`
input: [a]
vars: [{b: <% ctx().a %>}, {c: <% ctx().zzz %>}]
tasks:
  t:
    action: core.noop
    next: [{publish: [{p: <% ctx().b %>}, {q: <% ctx().p %>}], do: u}]
  u: {action: core.echo, input: {m: '{{ ctx("q") }}'}}
output: [{o: <% ctx().q %>}, {o2: <% ctx().o %>}]
`),
    ).toEqual(['vars[1].c: Variable "zzz" is referenced before assignment.']);
  });
});
