import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../bench/bench-util.js';
import { silentLogger } from '../../engine/logger.js';
import type { Action } from '../../engine/model/action.js';
import type { Execution } from '../../engine/model/execution.js';
import { createSqliteStore } from '../../engine/store/sqlite/sqlite-store.js';
import { insertRawExecution, nestedObject } from '../support/poisoned-rows.js';
import { apiClient, startSquallProcess } from '../support/squall-process.js';

const N = 200;

async function coreLocal(dbPath: string): Promise<Action> {
  const store = await createSqliteStore({ kind: 'sqlite', path: dbPath }, { logger: silentLogger });
  await store.init();
  try {
    return (await store.actions.get('core.local'))!;
  } finally {
    await store.close();
  }
}

async function allExecutions(dbPath: string): Promise<Execution[]> {
  const store = await createSqliteStore({ kind: 'sqlite', path: dbPath }, { logger: silentLogger });
  await store.init();
  try {
    return (await store.executions.list({ limit: 10_000 })).items;
  } finally {
    await store.close();
  }
}

describe('crash test: kill -9 mid-run, restart with poisoned rows present, nothing lost or run twice', () => {
  const dir = tempDir('squall-crash-');
  afterAll(() => dir.remove());

  it(`ends all ${N} executions (and two poisoned ones) in a terminal state after a kill -9 and a restart`, async () => {
    const first = await startSquallProcess(dir.path);
    const api = apiClient(first);
    const ids: string[] = [];
    // Posted in parallel batches: on a loaded machine, 200 posts one by one can outlast the runs.
    for (let i = 0; i < N; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(20, N - i) }, () =>
          api<{ id: string }>('POST', '/api/v1/executions', { action: 'core.local', parameters: { cmd: 'sleep 2' } }),
        ),
      );
      for (const r of batch) {
        expect(r.status).toBe(201);
        ids.push(r.body.id);
      }
    }
    // Pull the plug as soon as some have finished, while many are running or queued.
    for (let tries = 0; tries < 200; tries++) {
      const done = await api<unknown[]>('GET', '/api/v1/executions?status=succeeded&limit=1');
      if (done.body.length > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await first.kill9();

    const db = join(dir.path, 'squall.db');
    const beforeRestart = new Map((await allExecutions(db)).map((e) => [e.id, e]));
    const finishedBefore = [...beforeRestart.values()].filter((e) => e.status === 'succeeded');
    const unfinishedBefore = [...beforeRestart.values()].filter((e) => !e.end_timestamp);
    expect(beforeRestart.size).toBe(N);
    expect(finishedBefore.length).toBeGreaterThan(0);
    expect(unfinishedBefore.length).toBeGreaterThan(0);

    // Poison, oldest first so that every sweep meets it before the rest: rows nested 1,000 levels
    // deep, as a version without input limits stored them (SQLite's JSON functions refuse them).
    const action = await coreLocal(db);
    const poisonedRunning = insertRawExecution(db, action, 'running', {
      context: { user: 'p', x: nestedObject(1000) },
    });
    const poisonedRequested = insertRawExecution(db, action, 'requested', {
      context: { user: 'p', x: nestedObject(1000) },
    });
    ids.push(poisonedRunning, poisonedRequested);

    const second = await startSquallProcess(dir.path);
    try {
      const deadline = Date.now() + 90_000;
      let pending = N;
      while (Date.now() < deadline) {
        const after = await allExecutions(db);
        pending = after.filter((e) => ['requested', 'scheduled', 'running', 'canceling'].includes(e.status)).length;
        if (pending === 0) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(pending).toBe(0);
      // The restarted server answers for the executions the first one accepted.
      const r = await apiClient(second)<{ status: string }>('GET', `/api/v1/executions/${ids[0]}`);
      expect(r.status).toBe(200);
    } finally {
      await second.stop();
    }

    const after = await allExecutions(db);
    expect(after.map((e) => e.id).sort()).toEqual([...ids].sort());
    for (const e of after) {
      expect(['succeeded', 'failed', 'timeout', 'canceled', 'abandoned']).toContain(e.status);
      // Never run twice: one `running` entry at most in the status log.
      expect(e.log.filter((l) => l.status === 'running').length).toBeLessThanOrEqual(1);
    }
    for (const e of finishedBefore) {
      const now = after.find((a) => a.id === e.id)!;
      expect(now.status).toBe('succeeded');
      expect(now.end_timestamp).toBe(e.end_timestamp);
      expect(now.log).toEqual(e.log);
    }
    // The ones that were mid-run when the process died are marked abandoned, not re-run.
    const runningAtKill = [...beforeRestart.values()].filter((e) => e.status === 'running');
    for (const e of runningAtKill) expect(after.find((a) => a.id === e.id)!.status).toBe('abandoned');
    expect(after.find((a) => a.id === poisonedRunning)!.status).toBe('abandoned');
    expect(after.find((a) => a.id === poisonedRequested)!.status).toBe('succeeded');
  }, 180_000);
});
