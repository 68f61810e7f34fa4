import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

async function file(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'squall-wf-'));
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

const WORKFLOW = `version: 1.0
input: [who]
tasks:
  greet:
    action: core.echo message="hi <% ctx().who %>"
    next:
      - when: <% succeeded() %>
        publish: [{said: <% result().stdout %>}]
        do: shout
      - when: <% failed() %>
        do: fail
  shout:
    action: core.echo
    input: {message: <% ctx().said.toUpper() %>}
output: [{said: <% ctx().said %>}]
`;

describe('squall workflow', () => {
  it('validate exits 0 for a valid workflow', async () => {
    const r = await runCli(['workflow', 'validate', await file('wf.yaml', WORKFLOW)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('valid');
  });

  it('validate exits 1 listing each problem as path: message', async () => {
    const r = await runCli(['workflow', 'validate', await file('wf.yaml', WORKFLOW.replace('do: shout', 'do: shoot'))]);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toEqual([
      'tasks.greet.next[0].do: task "shoot" is not defined',
      // shout is no longer reached from greet, so it starts the workflow, where nothing published `said`.
      'tasks.shout.input.message: Variable "said" is referenced before assignment.',
    ]);
  });

  it('validate exits 2 for an unreadable file', async () => {
    const r = await runCli(['workflow', 'validate', '/nonexistent/wf.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read /nonexistent/wf.yaml');
  });

  it('rehearse --json prints status, output, sequence, dispatched and errors', async () => {
    const rehearsal = `workflow:\n${WORKFLOW.replace(/^/gm, '  ')}\ninput: {who: ops}\naction_results:\n  - {task: greet, result: {stdout: hi ops}}\n`;
    const r = await runCli(['workflow', 'rehearse', await file('r.yaml', rehearsal), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      status: 'succeeded',
      output: { said: 'hi ops' },
      sequence: ['greet', 'shout'],
      dispatched: [
        { task: 'greet', input: { message: 'hi ops' } },
        { task: 'shout', input: { message: 'HI OPS' } },
      ],
      errors: [],
    });
  });

  it('rehearse without --json prints a readable trace and exits 1 when the workflow fails', async () => {
    const rehearsal = `workflow:\n${WORKFLOW.replace(/^/gm, '  ')}\naction_results:\n  - {task: greet, status: failed}\n`;
    const r = await runCli(['workflow', 'rehearse', await file('r.yaml', rehearsal)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('greet → fail');
    expect(r.stdout).toContain('failed');
    expect(r.stdout).toContain('error     greet: Execution failed. See result for details.');
  });
});
