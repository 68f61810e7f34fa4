import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineHarness, startEngineHarness } from '../../support/engine-harness.js';

describe('execution lifecycle: request to terminal state', () => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await startEngineHarness();
  });
  afterAll(() => h.close());

  it('runs core.noop to succeeded through requested, scheduled, running', async () => {
    const e = await h.run('core.noop');
    expect(e.status).toBe('succeeded');
    expect(e.result).toEqual({ failed: false, succeeded: true, return_code: 0 });
    expect(e.log.map((l) => l.status)).toEqual(['requested', 'scheduled', 'running', 'succeeded']);
    // Each step is stamped, in order.
    const times = e.log.map((l) => Date.parse(l.timestamp));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    expect(e.end_timestamp).toBeDefined();
    expect(Date.parse(e.end_timestamp!)).toBeGreaterThanOrEqual(Date.parse(e.start_timestamp));
    expect(e.start_timestamp).toBe(e.log[0]!.timestamp);
    expect(e.end_timestamp).toBe(e.log[3]!.timestamp);
  });

  it('runs core.local "echo hi" and stores its stdout and return code', async () => {
    const e = await h.run('core.local', { cmd: 'echo hi' });
    expect(e.status).toBe('succeeded');
    expect(e.result).toMatchObject({ stdout: 'hi', stderr: '', return_code: 0, succeeded: true, failed: false });
    // The stored row agrees with what the waiter returned.
    expect((await h.store.executions.get(e.id))?.result).toEqual(e.result);
  });

  it('prints a core.echo message with shell metacharacters verbatim', async () => {
    const message = `$(touch /tmp/squall-pwned) \`id\` "quoted" 'single' ; | & > < * $HOME \\n`;
    const e = await h.run('core.echo', { message });
    expect(e.status).toBe('succeeded');
    expect(e.result?.stdout).toBe(message);
  });

  it('ends failed with the return code for a command that exits 3', async () => {
    const e = await h.run('core.local', { cmd: 'echo oops >&2; exit 3' });
    expect(e.status).toBe('failed');
    expect(e.result).toMatchObject({ return_code: 3, stderr: 'oops', succeeded: false, failed: true });
    expect(e.log.map((l) => l.status)).toEqual(['requested', 'scheduled', 'running', 'failed']);
  });

  it('keeps the caller context (user, trace tag) and the worker that ran it', async () => {
    const req = await h.executions.request({
      action: 'core.noop',
      context: { user: 'alice', source_channel: 'ops', trace_context: { trace_tag: 'deploy-42' } },
    });
    expect(req.status).toBe('requested');
    expect(req.context.user).toBe('alice');
    const done = await h.executions.waitForTerminal(req.id, 10_000);
    expect(done?.status).toBe('succeeded');
    expect(done?.context).toMatchObject({
      user: 'alice',
      source_channel: 'ops',
      trace_context: { trace_tag: 'deploy-42' },
    });
    expect(done?.worker).toMatch(/:\d+$/);
  });

  it('gives every execution a trace tag when the caller has none', async () => {
    const a = await h.executions.request({ action: 'core.noop', context: { user: 'bob' } });
    const b = await h.executions.request({ action: 'core.noop', context: { user: 'bob' } });
    expect(a.context.trace_context?.trace_tag).toMatch(/^[0-9a-f]{24}$/);
    expect(b.context.trace_context?.trace_tag).not.toBe(a.context.trace_context?.trace_tag);
    await h.executions.waitForTerminal(a.id, 10_000);
    await h.executions.waitForTerminal(b.id, 10_000);
  });

  it('records a child in its parent', async () => {
    const parent = await h.run('core.noop');
    const child = await h.executions.request({ action: 'core.noop', context: { user: 'wf' }, parent: parent.id });
    expect(child.parent).toBe(parent.id);
    expect(child.context.parent).toEqual({ execution_id: parent.id });
    expect((await h.store.executions.get(parent.id))?.children).toEqual([child.id]);
    await h.executions.waitForTerminal(child.id, 10_000);
  });
});

describe('re-run', () => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await startEngineHarness();
  });
  afterAll(() => h.close());

  it('runs the same action with the same parameters and records what it re-runs', async () => {
    const first = await h.run('core.local', { cmd: 'echo first', cwd: '/tmp' });
    const again = await h.executions.rerun(first.id, { user: 'carol' });
    expect(again.id).not.toBe(first.id);
    expect(again.action.ref).toBe('core.local');
    expect(again.parameters).toEqual(first.parameters);
    expect(again.context.re_run).toEqual({ ref: first.id });
    expect(again.context.user).toBe('carol');
    const done = await h.executions.waitForTerminal(again.id, 10_000);
    expect(done?.result?.stdout).toBe('first');
  });

  it('merges overrides over the original parameters', async () => {
    const first = await h.run('core.local', { cmd: 'pwd', cwd: '/tmp' });
    const again = await h.executions.rerun(first.id, { user: 'carol', parameters: { cmd: 'echo again' } });
    expect(again.parameters).toMatchObject({ cmd: 'echo again', cwd: '/tmp' });
    const done = await h.executions.waitForTerminal(again.id, 10_000);
    expect(done?.status).toBe('succeeded');
    expect(done?.result?.stdout).toBe('again');
  });

  it('re-runs an action whose immutable parameter has a default', async () => {
    // core.local's `sudo` is immutable (default false): passing it back would be refused.
    const first = await h.run('core.local', { cmd: 'echo x' });
    expect(first.parameters.sudo).toBe(false);
    const again = await h.executions.rerun(first.id, { user: 'carol' });
    expect(again.parameters.sudo).toBe(false);
    await h.executions.waitForTerminal(again.id, 10_000);
  });

  it('refuses to re-run an execution that does not exist', async () => {
    await expect(h.executions.rerun('0123456789abcdef01234567', { user: 'carol' })).rejects.toMatchObject({
      code: 'SQ_EXECUTION_NOT_FOUND',
    });
  });
});
