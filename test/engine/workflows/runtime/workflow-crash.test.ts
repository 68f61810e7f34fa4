import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../../bench/bench-util.js';
import { silentLogger } from '../../../../engine/logger.js';
import type { Execution } from '../../../../engine/model/execution.js';
import { createSqliteStore } from '../../../../engine/store/sqlite/sqlite-store.js';
import { apiClient, startSquallProcess } from '../../../support/squall-process.js';

const WFTEST = fileURLToPath(new URL('../../../fixtures/workflow-packs/wftest/', import.meta.url));
const N = 30;
const TASKS = 10;
const UNDER_WAY = ['requested', 'scheduled', 'running', 'pausing', 'paused', 'resuming', 'canceling'];

async function allExecutions(dbPath: string): Promise<Execution[]> {
  const store = await createSqliteStore({ kind: 'sqlite', path: dbPath }, { logger: silentLogger });
  await store.init();
  try {
    return (await store.executions.list({ limit: 100_000 })).items;
  } finally {
    await store.close();
  }
}

describe('crash test: kill -9 in the middle of workflows, restart, every workflow resumes where it was', () => {
  const dir = tempDir('squall-wf-crash-');
  afterAll(() => dir.remove());

  it(`ends ${N} workflows of ${TASKS} tasks after a kill -9 and a restart, no task run twice`, async () => {
    const config = join(dir.path, 'squall.yaml');
    writeFileSync(config, `packs:\n  paths: [${JSON.stringify(WFTEST)}]\n`);
    const args = ['--config', config];
    const first = await startSquallProcess(dir.path, args);
    const api = apiClient(first);
    const posted = await Promise.all(
      Array.from({ length: N }, () => api<{ id: string }>('POST', '/api/v1/executions', { action: 'wftest.chain' })),
    );
    const ids = posted.map((r) => {
      expect(r.status).toBe(201);
      return r.body.id;
    });
    // Pull the plug once some tasks have finished, while most workflows are under way.
    for (let tries = 0; tries < 400; tries++) {
      const done = await api<unknown[]>('GET', '/api/v1/executions?action=core.noop&status=succeeded&limit=40');
      if (done.body.length >= 40) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await first.kill9();

    const db = join(dir.path, 'squall.db');
    const before = await allExecutions(db);
    const unfinishedBefore = before.filter((e) => ids.includes(e.id) && UNDER_WAY.includes(e.status));
    expect(unfinishedBefore.length).toBeGreaterThan(0);

    const second = await startSquallProcess(dir.path, args);
    try {
      const deadline = Date.now() + 90_000;
      for (;;) {
        const after = await allExecutions(db);
        const pending = after.filter((e) => UNDER_WAY.includes(e.status)).length;
        if (pending === 0 || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 300));
      }
    } finally {
      await second.stop();
    }

    const after = await allExecutions(db);
    const byParent = new Map<string, Execution[]>();
    for (const e of after) if (e.parent) byParent.set(e.parent, [...(byParent.get(e.parent) ?? []), e]);
    let resumed = 0;
    for (const id of ids) {
      const wf = after.find((e) => e.id === id);
      const kids = byParent.get(id) ?? [];
      const names = kids.map((k) => (k.context.orquesta as { task_name: string }).task_name);
      // No task handed out twice, no child run twice.
      expect(new Set(names).size).toBe(names.length);
      for (const k of kids) expect(k.log.filter((l) => l.status === 'running').length).toBeLessThanOrEqual(1);
      // A task whose runner died mid-run is abandoned (its outcome is unknown). As in Orquesta, an
      // abandoned task whose transition has no `when` is remediated by it (t0..t8 each go on to the
      // next task), so only an abandoned last task, t9, fails the workflow.
      const abandoned = kids.filter((k) => k.status === 'abandoned');
      expect(abandoned.length).toBeLessThanOrEqual(1);
      if (abandoned.some((k) => (k.context.orquesta as { task_name: string }).task_name === `t${TASKS - 1}`)) {
        expect(wf?.status).toBe('failed');
        continue;
      }
      expect(wf?.status).toBe('succeeded');
      expect(kids).toHaveLength(TASKS);
      expect(wf?.result).toEqual({ output: { done: 'succeeded' } });
      // The one abandoned task, if any, did not stop its successor from running.
      if (abandoned.length > 0) expect(kids.filter((k) => k.status === 'succeeded')).toHaveLength(TASKS - 1);
      if (unfinishedBefore.some((u) => u.id === id)) resumed++;
    }
    expect(resumed).toBeGreaterThan(0);
  }, 180_000);
});
