import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../app/start-server.js';
import { silentLogger } from '../engine/logger.js';
import { latencyMetrics, type Metric, round, tempDir } from './bench-util.js';

const WARMUP = 20;
const SAMPLES = 200;
const THROUGHPUT_RUNS = 500;
/** Executions in flight for the throughput figure: enough to keep both cores busy with interpreters. */
const IN_FLIGHT = 8;

/** A pack with one hello-world Python action, as a StackStorm user writes it. */
function writeBenchPack(dir: string): void {
  mkdirSync(join(dir, 'actions'), { recursive: true });
  writeFileSync(
    join(dir, 'pack.yaml'),
    'ref: pybench\nname: pybench\ndescription: bench\nversion: 1.0.0\nauthor: bench\n',
  );
  writeFileSync(
    join(dir, 'actions', 'hello.yaml'),
    'name: hello\nrunner_type: python-script\nentry_point: hello.py\nparameters:\n  name: {type: string, default: world}\n',
  );
  writeFileSync(
    join(dir, 'actions', 'hello.py'),
    'from st2common.runners.base_action import Action\n\n\nclass Hello(Action):\n    def run(self, name):\n        return "Hello, " + name\n',
  );
}

/**
 * A hello-world python-script action on an embedded server, submitted through the execution service
 * as the admin user (so each run gets its short-lived API token, as a real one does): the latency from
 * submit to `succeeded` one at a time, then the rate of 500 with a few in flight.
 */
export async function benchPythonAction(): Promise<Metric[]> {
  const dir = tempDir('squall-python-bench-');
  const packDir = join(dir.path, 'pybench');
  writeBenchPack(packDir);
  const s = await startServer({
    dataDir: join(dir.path, 'data'),
    config: { api: { port: 0 }, log: { level: 'silent' }, chat: { shell: false }, packs: { paths: [packDir] } },
    logger: silentLogger,
  });
  const { executions } = s.core;
  const once = async (): Promise<void> => {
    const e = await executions.request({ action: 'pybench.hello', parameters: {}, context: { user: 'admin' } });
    const done = await executions.waitForTerminal(e.id, 60_000);
    if (done?.status !== 'succeeded')
      throw new Error(`pybench.hello ended ${done?.status}: ${JSON.stringify(done?.result)}`);
  };
  try {
    const times: number[] = [];
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const t0 = performance.now();
      await once();
      if (i >= WARMUP) times.push(performance.now() - t0);
    }
    let next = 0;
    const t0 = performance.now();
    const lane = async (): Promise<void> => {
      while (next < THROUGHPUT_RUNS) {
        next++;
        await once();
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
    const perS = THROUGHPUT_RUNS / ((performance.now() - t0) / 1000);
    const [p50] = latencyMetrics('python_action', times);
    return [...(p50 ? [p50] : []), { metric: 'python_action_per_s', value: round(perS, 0), unit: 'executions/s' }];
  } finally {
    await s.close();
    dir.remove();
  }
}
