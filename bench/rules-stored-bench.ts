import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../app/start-server.js';
import { silentLogger } from '../engine/logger.js';
import type { JsonObject } from '../engine/model/json.js';
import { type Metric, tempDir } from './bench-util.js';
import { benchEvents, benchRules } from './rules-bench.js';

const INSTANCES = 10_000;
/** Dispatches in flight at once, as many webhook requests or sensors would have. */
const IN_FLIGHT = 256;

/**
 * `rules_trigger_per_s`: 10,000 trigger instances dispatched through `core.triggers` (each stored,
 * then announced) into an embedded server's rules role holding 1,000 enabled rules, about 1% matching.
 * The clock stops when no instance is left pending or processing, so every instance was evaluated and
 * every enforcement and requested execution is on disk. It is the all-in-one process, so the matched
 * actions run meanwhile; they are a `noop`-runner action taking the rules' `cmd` and `timeout`
 * (rendered and cast as for `core.local`), so that spawning a hundred shells is not what is measured.
 */
export async function benchRulesTrigger(): Promise<Metric[]> {
  const dir = tempDir('squall-rules-bench-');
  const pack = join(dir.path, 'packs', 'bench');
  mkdirSync(join(pack, 'actions'), { recursive: true });
  writeFileSync(join(pack, 'pack.yaml'), 'ref: bench\nname: bench\ndescription: rules bench\nversion: 1.0.0\n');
  writeFileSync(
    join(pack, 'actions', 'sink.yaml'),
    [
      'name: sink',
      'runner_type: noop',
      'description: takes the parameters of core.local and does nothing',
      'enabled: true',
      'parameters:',
      '  cmd: {type: string, required: true}',
      '  timeout: {type: integer}',
      '',
    ].join('\n'),
  );
  const s = await startServer({
    dataDir: dir.path,
    config: { chat: { shell: false }, log: { level: 'silent' }, packs: { paths: [pack] } },
    logger: silentLogger,
  });
  try {
    const { store, triggers } = s.core;
    for (const rule of benchRules())
      await store.rules.upsert({ ...rule, action: { ...rule.action, ref: 'bench.sink' } });
    await store.kv.put({ name: 'limit', value: '10', scope: 'st2kv.system', secret: false });
    await s.core.bus.publish('rules.changed', { at: new Date().toISOString() });

    const events = benchEvents(INSTANCES);
    const start = performance.now();
    let next = 0;
    const lane = async () => {
      while (next < events.length) {
        const e = events[next++];
        if (!e) break;
        await triggers.dispatch({
          trigger: e.trigger.type,
          parameters: e.trigger.parameters ?? {},
          payload: (e.payload ?? {}) as JsonObject,
        });
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
    for (;;) {
      const open = await store.triggerInstances.list({ status: ['pending', 'processing'], limit: 1 });
      if (open.total === 0) break;
      // Each look counts the open instances; looking often would itself slow the engine down.
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - start) / 1000;
    const enforced = await store.ruleEnforcements.list({ limit: 1 });
    const failed = await store.triggerInstances.list({ status: 'processing_failed', limit: 1 });
    if (failed.total > 0) throw new Error(`${failed.total} trigger instances failed processing`);
    if (enforced.total < 50) throw new Error(`bench workload enforced only ${enforced.total} rules`);
    return [
      {
        metric: 'rules_trigger_per_s',
        value: Math.round(INSTANCES / seconds),
        unit: `trigger instances/s (1000 rules, ${enforced.total} enforcements stored)`,
      },
    ];
  } finally {
    await s.close();
    dir.remove();
  }
}
