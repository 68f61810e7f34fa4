import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../app/start-server.js';
import { silentLogger } from '../engine/logger.js';
import { type Metric, percentile, round, tempDir } from './bench-util.js';

const TASKS = 100;
const RUNS = 3;

/** How many items `wf_with_items_10k_s` runs (SQUALL_BENCH_WF_ITEMS, for a quick check). */
const ITEMS = Number(process.env.SQUALL_BENCH_WF_ITEMS ?? 10_000);
const ITEMS_CONCURRENCY = 50;

/**
 * A pack with two workflows: `chain`, TASKS `core.noop` tasks in a row, and `items`, one with-items
 * task of `core.noop` over `range(count)` at concurrency 50.
 */
function writeBenchPack(root: string): string {
  const pack = join(root, 'wfbench');
  mkdirSync(join(pack, 'actions', 'workflows'), { recursive: true });
  writeFileSync(
    join(pack, 'pack.yaml'),
    'ref: wfbench\nname: wfbench\ndescription: bench\nversion: 1.0.0\nauthor: bench\n',
  );
  writeFileSync(
    join(pack, 'actions', 'chain.yaml'),
    'name: chain\nrunner_type: orquesta\ndescription: bench\nentry_point: workflows/chain.yaml\n',
  );
  writeFileSync(
    join(pack, 'actions', 'items.yaml'),
    'name: items\nrunner_type: orquesta\ndescription: bench\nentry_point: workflows/items.yaml\nparameters:\n  count: {type: integer, required: true}\n',
  );
  writeFileSync(
    join(pack, 'actions', 'workflows', 'items.yaml'),
    `version: 1.0\ninput: [count]\ntasks:\n  each:\n    with:\n      items: <% range(ctx().count) %>\n      concurrency: ${ITEMS_CONCURRENCY}\n    action: core.noop\n`,
  );
  const tasks = Array.from(
    { length: TASKS },
    (_, i) => `  t${i}:\n    action: core.noop\n${i < TASKS - 1 ? `    next:\n      - do: t${i + 1}\n` : ''}`,
  );
  writeFileSync(join(pack, 'actions', 'workflows', 'chain.yaml'), `version: 1.0\ntasks:\n${tasks.join('')}`);
  return pack;
}

/**
 * Workflow task transition: a sequential workflow of 100 `core.noop` tasks on an embedded server;
 * each sample is the time from one task's end to the next one's end, i.e. conductor step, state
 * write, child request, scheduling, the runner's claim and the noop itself.
 */
export async function benchWorkflowTransition(): Promise<Metric[]> {
  return withBenchServer(async (s) => {
    const gaps: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const wf = await s.core.executions.request({ action: 'wfbench.chain', context: { user: 'bench' } });
      const done = await s.core.executions.waitForTerminal(wf.id, 120_000);
      if (done?.status !== 'succeeded') throw new Error(`the workflow ended ${done?.status}`);
      const kids = (await s.core.store.executions.list({ parent: wf.id, limit: TASKS + 1, order: 'asc' })).items;
      if (kids.length !== TASKS) throw new Error(`${kids.length} tasks ran, not ${TASKS}`);
      const ends = kids.map((k) => Date.parse(k.end_timestamp ?? '')).sort((a, b) => a - b);
      // The first run warms up (JIT, statement caches).
      if (run > 0) for (let i = 1; i < ends.length; i++) gaps.push((ends[i] as number) - (ends[i - 1] as number));
    }
    gaps.sort((a, b) => a - b);
    return [{ metric: 'wf_task_transition_p50_ms', value: round(percentile(gaps, 50)), unit: 'ms' }];
  });
}

/**
 * With-items at scale: one task over 10,000 items of `core.noop`, at most 50 at once, on an embedded
 * server; the time from the request to the workflow's end (each item a stored child execution).
 */
export async function benchWorkflowItems(): Promise<Metric[]> {
  return withBenchServer(async (s) => {
    const started = performance.now();
    const wf = await s.core.executions.request({
      action: 'wfbench.items',
      parameters: { count: ITEMS },
      context: { user: 'bench' },
    });
    const done = await s.core.executions.waitForTerminal(wf.id, 600_000);
    const seconds = (performance.now() - started) / 1000;
    if (done?.status !== 'succeeded') throw new Error(`the workflow ended ${done?.status}`);
    const output = (done.result as { output?: unknown } | undefined)?.output;
    if (output !== null) throw new Error('unexpected output');
    const metric = ITEMS === 10_000 ? 'wf_with_items_10k_s' : `wf_with_items_${ITEMS}_s`;
    return [{ metric, value: round(seconds), unit: 's' }];
  });
}

async function withBenchServer(body: (s: Awaited<ReturnType<typeof startServer>>) => Promise<Metric[]>) {
  const dir = tempDir('squall-wf-bench-');
  const pack = writeBenchPack(dir.path);
  const s = await startServer({
    dataDir: join(dir.path, 'data'),
    config: { api: { port: 0 }, chat: { shell: false }, log: { level: 'silent' }, packs: { paths: [pack] } },
    logger: silentLogger,
  });
  try {
    return await body(s);
  } finally {
    await s.close();
    dir.remove();
  }
}
