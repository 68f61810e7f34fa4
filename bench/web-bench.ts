import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startServer } from '../app/start-server.js';
import { newId } from '../engine/ids.js';
import { silentLogger } from '../engine/logger.js';
import type { ExecutionStatus } from '../engine/model/execution.js';
import { registerPacks } from '../engine/packs/pack-registrar.js';
import { builtinPacksDir } from '../engine/packs/packs-root.js';
import { createSqliteStore } from '../engine/store/sqlite/sqlite-store.js';
import { latencyMetrics, type Metric, percentile, round, tempDir } from './bench-util.js';
import { launchChromium } from './chromium.js';

const STORED = 100_000;
const REQUESTS_PER_QUERY = 60;
const PAGE_LOADS = 7;
const ACTIONS = ['core.local', 'core.noop', 'core.echo', 'core.http', 'core.remote'];
const STATUSES: ExecutionStatus[] = ['succeeded', 'succeeded', 'succeeded', 'failed', 'canceled', 'timeout'];

/** 100,000 finished executions over the last 30 days: five actions, twenty users, one in ten a child. */
async function fill(dbPath: string): Promise<void> {
  const store = await createSqliteStore({ kind: 'sqlite', path: dbPath }, { logger: silentLogger });
  await store.init();
  await registerPacks(store, [builtinPacksDir()]);
  const actions = await Promise.all(ACTIONS.map(async (ref) => (await store.actions.get(ref))!));
  const now = Date.now();
  let parent: string | undefined;
  // Issued a batch at a time without awaiting each, so the store's group commit writes a batch per transaction.
  let batch: Promise<unknown>[] = [];
  for (let i = 0; i < STORED; i++) {
    const action = actions[i % actions.length]!;
    const start = new Date(now - 30 * 86_400_000 + i * ((30 * 86_400_000) / STORED)).toISOString();
    const end = new Date(Date.parse(start) + 1000 + (i % 7) * 300).toISOString();
    const status = STATUSES[i % STATUSES.length]!;
    const id = newId();
    const child = i % 10 === 9 && parent !== undefined;
    batch.push(
      store.executions.create({
        id,
        action,
        runner_type: action.runner_type,
        parameters: { cmd: `echo ${i}` },
        status,
        start_timestamp: start,
        end_timestamp: end,
        context: { user: `user${i % 20}` },
        log: [
          { status: 'requested', timestamp: start },
          { status, timestamp: end },
        ],
        ...(child ? { parent } : {}),
      }),
    );
    if (i % 10 === 0) parent = id;
    if (batch.length === 2000) {
      await Promise.all(batch);
      batch = [];
    }
  }
  await Promise.all(batch);
  await store.close();
}

/**
 * `api_executions_page_p99_ms`: `GET /api/v1/executions?limit=50` with the history view's filters
 * (status, action, user, time range, top-level only, and their combinations), 100,000 executions
 * stored (target ≤ 25 ms). `web_history_first_rows_ms`: Chromium, signed in, navigates to
 * `/executions` and the first rows are painted (median of several loads; target ≤ 800 ms).
 */
export async function benchWeb(): Promise<Metric[]> {
  const dir = tempDir('squall-bench-web-');
  try {
    await fill(join(dir.path, 'squall.db'));
    const s = await startServer({
      dataDir: dir.path,
      config: { api: { port: 0 }, log: { level: 'silent' }, chat: { shell: false } },
      logger: silentLogger,
    });
    try {
      const url = s.url!;
      const creds = parseYaml(readFileSync(join(dir.path, 'credentials'), 'utf8')) as { api_key: string };
      const week = encodeURIComponent(new Date(Date.now() - 7 * 86_400_000).toISOString());
      const queries = [
        '',
        'status=failed',
        'action=core.local',
        'user=user7',
        `timestamp_gt=${week}`,
        'parent=null',
        `action=core.noop&status=succeeded&timestamp_gt=${week}`,
        'user=user3&parent=null&offset=500',
      ];
      const samples: number[] = [];
      for (const q of queries) {
        for (let i = 0; i < REQUESTS_PER_QUERY; i++) {
          const t0 = performance.now();
          const res = await fetch(`${url}/api/v1/executions?limit=50&${q}`, {
            headers: { 'St2-Api-Key': creds.api_key },
          });
          const body = (await res.json()) as unknown[];
          if (!res.ok || body.length === 0) throw new Error(`GET /api/v1/executions?${q}: ${res.status}`);
          if (i === 1)
            process.stderr.write(`bench: GET /api/v1/executions?${q}: ${round(performance.now() - t0, 1)} ms\n`);
          if (i > 0) samples.push(performance.now() - t0);
        }
      }
      const [, p99] = latencyMetrics('api_executions_page', samples, 1);

      const browser = await launchChromium();
      try {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        const signIn = await context.request.post(`${url}/auth/v1/session`, { data: { api_key: creds.api_key } });
        if (signIn.status() !== 201) throw new Error(`sign-in answered ${signIn.status()}`);
        const page = await context.newPage();
        const loads: number[] = [];
        for (let i = 0; i < PAGE_LOADS; i++) {
          const t0 = performance.now();
          await page.goto(`${url}/executions`);
          await page.locator('table[aria-label="Executions"] tbody tr:not(.pad)').first().waitFor();
          // The first frame with the rows in it.
          await page.evaluate('new Promise((r) => requestAnimationFrame(() => r(undefined)))');
          if (i > 0) loads.push(performance.now() - t0);
        }
        loads.sort((a, b) => a - b);
        return [p99!, { metric: 'web_history_first_rows_ms', value: round(percentile(loads, 50), 0), unit: 'ms' }];
      } finally {
        await browser.close();
      }
    } finally {
      await s.close();
    }
  } finally {
    dir.remove();
  }
}
