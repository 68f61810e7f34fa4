// Not a test: prints how long 10,000 execution lifecycles take on the SQLite store (create, three
// compare-and-set transitions, get), the store's share of the engine's per-execution work.
// Run: npx tsx test/engine/store/measure-sqlite-throughput.ts [count] [concurrency] [path]
// `concurrency` lifecycles run at once, as in the engine; with 1 every write commits alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../engine/logger.js';
import { createSqliteStore } from '../../../engine/store/sqlite/sqlite-store.js';
import { makeExecution } from '../../support/store-fixtures.js';

const count = Number(process.argv[2] ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), 'squall-measure-'));
const concurrency = Number(process.argv[3] ?? 50);
const path = process.argv[4] ?? join(dir, 'measure.db');
const store = await createSqliteStore({ kind: 'sqlite', path }, { logger: silentLogger });
await store.init();
const inputs = Array.from({ length: count }, () => makeExecution());
let next = 0;
async function worker(): Promise<void> {
  for (let input = inputs[next++]; input !== undefined; input = inputs[next++]) await lifecycle(input);
}
async function lifecycle(input: (typeof inputs)[number]): Promise<void> {
  const e = await store.executions.create(input);
  const at = new Date().toISOString();
  await store.executions.update(
    e.id,
    { expect: { status: 'requested' } },
    { status: 'scheduled', appendLog: { status: 'scheduled', timestamp: at } },
  );
  await store.executions.update(
    e.id,
    { expect: { status: 'scheduled' } },
    { status: 'running', worker: 'host:1', heartbeat_at: at, appendLog: { status: 'running', timestamp: at } },
  );
  await store.executions.update(
    e.id,
    { expect: { status: 'running' } },
    {
      status: 'succeeded',
      end_timestamp: at,
      result: { stdout: 'hi', stderr: '', return_code: 0, succeeded: true, failed: false },
      appendLog: { status: 'succeeded', timestamp: at },
    },
  );
  await store.executions.get(e.id);
}
const t0 = performance.now();
await Promise.all(Array.from({ length: concurrency }, worker));
const ms = performance.now() - t0;
const counts = await store.executions.countByStatus();
if (counts.succeeded !== count) throw new Error(`expected ${count} succeeded, got ${JSON.stringify(counts)}`);
process.stdout.write(
  `${count} x (create + 3 CAS updates + get), ${concurrency} at a time, on ${path === ':memory:' ? ':memory:' : 'a WAL file'}: ` +
    `${ms.toFixed(0)} ms, ${Math.round((count * 1000) / ms)} executions/s, ${((ms * 1000) / count / 5).toFixed(1)} µs/op\n`,
);
await store.close();
rmSync(dir, { recursive: true, force: true });
