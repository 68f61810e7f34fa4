import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../engine/logger.js';
import { WorkflowEngine } from '../../../../engine/workflows/runtime/workflow-engine.js';
import { type EngineHarness, startEngineHarness } from '../../../support/engine-harness.js';
import { waitFor } from '../../../support/processes.js';

const WFTEST = fileURLToPath(new URL('../../../fixtures/workflow-packs/wftest/', import.meta.url));
const CHAINTEST = fileURLToPath(new URL('../../../fixtures/workflow-packs/chaintest/', import.meta.url));

describe('workflow start-up recovery', () => {
  let h: EngineHarness;
  // No workflows role: children run and end, but nobody tells their workflow.
  beforeAll(async () => {
    h = await startEngineHarness({ workflows: false, packPaths: [WFTEST, CHAINTEST] });
  });
  afterAll(async () => h?.close());
  // A second engine on the same parts, as a restarted process builds it.
  const recoveringEngine = () =>
    new WorkflowEngine({
      store: h.store,
      bus: h.bus,
      executions: h.executions,
      events: h.stream,
      waiters: h.waiters,
      logger: silentLogger,
    });

  it('advances a running workflow whose children finished while nobody listened', async () => {
    const wf = await h.executions.request({
      action: 'wftest.sequence',
      parameters: { who: 'later' },
      context: { user: 't' },
    });
    const first = await waitFor(
      async () => {
        const [c] = (await h.store.executions.list({ parent: wf.id })).items;
        return c?.status === 'succeeded' ? c : undefined;
      },
      20_000,
      'first task succeeded',
    );
    expect((await h.store.executions.get(wf.id))?.status).toBe('running');
    expect((await h.store.executions.list({ parent: wf.id })).items).toHaveLength(1);

    const engine = recoveringEngine();
    expect(await engine.recover()).toBe(1);
    // The second task was requested; its end is applied by a second pass (still no role listening).
    const second = await waitFor(
      async () => {
        const kids = (await h.store.executions.list({ parent: wf.id, order: 'asc' })).items;
        return kids.length === 2 && kids[1]?.status === 'succeeded' ? kids[1] : undefined;
      },
      20_000,
      'second task succeeded',
    );
    expect(second.id).not.toBe(first.id);
    await engine.recover();
    const done = await h.executions.waitForTerminal(wf.id, 5000);
    expect(done?.status).toBe('succeeded');
    expect(done?.result).toEqual({ output: { greeting: 'hello later', who: 'later' } });
    // Recovering again changes nothing and hands nothing out.
    expect(await engine.recover()).toBe(0);
    expect((await h.store.executions.list({ parent: wf.id })).items).toHaveLength(2);
  });

  it('carries an action-chain on after a restart: its next task once, earlier ones not again', async () => {
    const wf = await h.executions.request({
      action: 'chaintest.greet',
      parameters: { who: 'later' },
      context: { user: 't' },
    });
    await waitFor(
      async () => {
        const [c] = (await h.store.executions.list({ parent: wf.id })).items;
        return c?.status === 'succeeded' ? c : undefined;
      },
      20_000,
      'first task succeeded',
    );
    const engine = recoveringEngine();
    await engine.recover();
    await waitFor(
      async () => {
        const kids = (await h.store.executions.list({ parent: wf.id, order: 'asc' })).items;
        return kids.length === 2 && kids[1]?.status === 'succeeded' ? kids[1] : undefined;
      },
      20_000,
      'second task succeeded',
    );
    await engine.recover();
    const done = await h.executions.waitForTerminal(wf.id, 5000);
    expect(done?.status).toBe('succeeded');
    expect(done?.result).toMatchObject({ published: { shout: 'hello later' } });
    expect(await engine.recover()).toBe(0);
    expect((await h.store.executions.list({ parent: wf.id })).items).toHaveLength(2);
  });
});
