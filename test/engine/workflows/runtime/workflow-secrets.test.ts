import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineHarness, startEngineHarness } from '../../../support/engine-harness.js';

const WFTEST = fileURLToPath(new URL('../../../fixtures/workflow-packs/wftest/', import.meta.url));
const SECRET = 'wf-secret-input-7f3a9c';

describe('secret workflow inputs in the stored workflow state', () => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await startEngineHarness({ workflows: true, packPaths: [WFTEST] });
  });
  afterAll(async () => h?.close());

  it('are sealed in store.workflows and nowhere in clear in squall.db, yet the workflow runs and re-runs', async () => {
    const wf = await h.run('wftest.secretive', { token: SECRET }, 30_000);
    expect(wf.status).toBe('succeeded');
    expect(wf.result).toEqual({ output: { who: 'ops' } });
    const record = await h.store.workflows.get(wf.id);
    const state = JSON.stringify(record?.state);
    expect(state).not.toContain(SECRET);
    expect(state).toMatch(/"token":"sqenc1:/);

    // A re-run from a task opens the original's sealed input and seals it again for itself.
    const again = await h.executions.rerun(wf.id, { user: 'tester', tasks: ['second'], maySeeSecrets: true });
    const done = await h.executions.waitForTerminal(again.id, 30_000);
    expect(done?.status).toBe('succeeded');
    expect(JSON.stringify((await h.store.workflows.get(again.id))?.state)).not.toContain(SECRET);

    const db = join(h.dir, 'squall.db');
    const bytes = Buffer.concat([await readFile(db), await readFile(`${db}-wal`).catch(() => Buffer.alloc(0))]);
    expect(bytes.includes(Buffer.from(SECRET, 'utf8'))).toBe(false);
  });
});
