import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SquallError } from '../../../engine/errors.js';
import type { Recorder } from '../../support/engine-harness.js';
import { type EngineHarness, startEngineHarness } from '../../support/engine-harness.js';
import { waitFor } from '../../support/processes.js';

/** The SquallError a rejected request throws. */
async function rejection(p: Promise<unknown>): Promise<SquallError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SquallError);
    return e as SquallError;
  }
  throw new Error('the request was accepted');
}

describe('request: parameter and action checks', () => {
  let h: EngineHarness;
  let requested: Recorder<'execution.requested'>;
  // No scheduler or worker: these tests only look at what a request stores and queues.
  beforeAll(async () => {
    h = await startEngineHarness({ scheduler: false, worker: false });
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    requested = await h.recordQueue('execution.requested', `requested-${Math.random()}`);
  });

  async function nothingStored(): Promise<void> {
    expect((await h.store.executions.list({})).total).toBe(0);
    await h.stream.drain();
    expect(await h.store.events.lastId()).toBe(0);
    expect(requested.messages).toEqual([]);
    await requested.stop();
  }

  it('rejects an unknown parameter and names it and the ones the action takes', async () => {
    const e = await rejection(
      h.executions.request({ action: 'core.local', parameters: { cmd: 'ls', colour: 'red' }, context: { user: 'u' } }),
    );
    expect(e.code).toBe('SQ_PARAMETER_INVALID');
    expect(e.message).toContain('colour: unknown parameter');
    expect(e.message).toContain('core.local');
    expect(e.message).toMatch(/the action takes: .*cmd/);
    await nothingStored();
  });

  it('rejects a missing required parameter', async () => {
    const e = await rejection(h.executions.request({ action: 'core.local', parameters: {}, context: { user: 'u' } }));
    expect(e.code).toBe('SQ_PARAMETER_INVALID');
    expect(e.message).toContain('cmd: is required');
    await nothingStored();
  });

  it('rejects a wrong JSON type by default, naming the parameter and both types', async () => {
    const e = await rejection(
      h.executions.request({ action: 'lifecycle.typed', parameters: { count: '5' }, context: { user: 'u' } }),
    );
    expect(e.code).toBe('SQ_PARAMETER_INVALID');
    expect(e.message).toContain('count: expected integer, got string');
    await nothingStored();
  });

  it('casts strings to declared types when castStrings is on (chat and CLI input)', async () => {
    const e = await h.executions.request({
      action: 'lifecycle.typed',
      parameters: { count: '5' },
      castStrings: true,
      context: { user: 'u' },
    });
    expect(e.parameters).toEqual({ count: 5, label: 'plain' });
    expect((await h.store.executions.get(e.id))?.parameters.count).toBe(5);
    await waitFor(() => (requested.messages.length > 0 ? true : undefined));
    expect(requested.messages).toEqual([{ id: e.id }]);
    await requested.stop();
    // Clean up for the tests that check nothing is stored.
    await h.executions.cancel(e.id, 'u');
  });

  it('still rejects a string that is not of the type when casting', async () => {
    const e = await rejection(
      h.executions.request({
        action: 'lifecycle.typed',
        parameters: { count: 'five' },
        castStrings: true,
        context: { user: 'u' },
      }),
    );
    expect(e.code).toBe('SQ_PARAMETER_INVALID');
    expect(e.message).toContain('count: expected integer, got "five"');
  });

  it('never echoes a secret value in a type error', async () => {
    const e = await rejection(
      h.executions.request({
        action: 'lifecycle.typed',
        parameters: { count: 1, password: 12345 },
        context: { user: 'u' },
      }),
    );
    expect(e.message).toContain('password: expected string, got integer');
    expect(e.message).not.toContain('12345');
  });

  it('rejects setting an immutable parameter', async () => {
    const e = await rejection(
      h.executions.request({ action: 'core.local', parameters: { cmd: 'id', sudo: true }, context: { user: 'u' } }),
    );
    expect(e.code).toBe('SQ_PARAMETER_INVALID');
    expect(e.message).toContain('sudo: is immutable and cannot be set');
  });

  it('reports every problem at once', async () => {
    const e = await rejection(
      h.executions.request({ action: 'lifecycle.typed', parameters: { label: 3, extra: 1 }, context: { user: 'u' } }),
    );
    expect(e.message).toContain('extra: unknown parameter');
    expect(e.message).toContain('count: is required');
    expect(e.message).toContain('label: expected string, got integer');
  });

  it('rejects an unknown action', async () => {
    const e = await rejection(h.executions.request({ action: 'core.nope', context: { user: 'u' } }));
    expect(e.code).toBe('SQ_ACTION_NOT_FOUND');
    expect(e.message).toBe('Action "core.nope" does not exist.');
  });

  it('rejects a disabled action', async () => {
    const e = await rejection(h.executions.request({ action: 'lifecycle.off', context: { user: 'u' } }));
    expect(e.code).toBe('SQ_ACTION_DISABLED');
    expect(e.message).toBe('Action "lifecycle.off" is disabled.');
  });

  it('stores nothing and queues nothing for any rejected request', async () => {
    await rejection(h.executions.request({ action: 'core.nope', context: { user: 'u' } }));
    await rejection(h.executions.request({ action: 'lifecycle.off', context: { user: 'u' } }));
    await rejection(h.executions.request({ action: 'core.local', parameters: { cmd: 1 }, context: { user: 'u' } }));
    // One canceled execution exists from the castStrings test; nothing else was added.
    const all = await h.store.executions.list({});
    expect(all.items.map((e) => e.status)).toEqual(['canceled']);
    expect(requested.messages).toEqual([]);
    await requested.stop();
  });
});
