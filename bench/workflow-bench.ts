import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../app/start-server.js';
import { silentLogger } from '../engine/logger.js';
import { type Metric, percentile, round, tempDir } from './bench-util.js';

const TASKS = 100;
const RUNS = 3;

/** A pack with one workflow: TASKS `core.noop` tasks in a row. */
function writeChainPack(root: string): string {
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
  const dir = tempDir('squall-wf-bench-');
  const pack = writeChainPack(dir.path);
  const s = await startServer({
    dataDir: join(dir.path, 'data'),
    config: { api: { port: 0 }, chat: { shell: false }, log: { level: 'silent' }, packs: { paths: [pack] } },
    logger: silentLogger,
  });
  try {
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
  } finally {
    await s.close();
    dir.remove();
  }
}
