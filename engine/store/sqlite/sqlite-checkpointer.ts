import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * How often the checkpointer copies committed WAL pages into the database file. Each checkpoint syncs
 * the WAL and the file, and a commit that appends to a WAL page the sync is writing out waits for the
 * disk: at one checkpoint every 200 ms that was about one execution in a hundred taking 2-3 ms, most
 * of `exec_latency_p99_ms` besides garbage collection. Once a second keeps the WAL well under the
 * fallback below even at the engine's full rate.
 */
const EVERY_MS = 1000;

/**
 * Pages the WAL may hold before a commit on the main thread checkpoints by itself: only a safety net
 * for a checkpointer that has stopped or cannot keep up, so that the WAL cannot grow without bound.
 */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 32_768;

/*
 * The worker's code, run with `eval` so that it needs no file of its own next to the compiled or the
 * TypeScript sources. Its connection only checkpoints; PASSIVE never waits for the writer or readers.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: 5000 });
db.pragma('synchronous = NORMAL');
const timer = setInterval(() => {
  try {
    // Again while commits landed during the pass: the WAL only rewinds to its start once a
    // checkpoint has caught up with it, and under steady load one pass never does.
    for (let i = 0; i < 8; i++) {
      const [r] = db.pragma('wal_checkpoint(PASSIVE)');
      if (r.busy || r.checkpointed >= r.log) break;
    }
  } catch { /* busy or closing: the next round tries again */ }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try { db.close(); } finally { parentPort.close(); }
});
`;

/**
 * Checkpoints a WAL-mode SQLite file from a worker thread. SQLite's automatic checkpoint runs inside
 * the COMMIT that crosses its threshold (1,000 pages), on the thread that commits: copying the WAL
 * into the file and syncing both took tens of milliseconds on the event loop every few dozen
 * executions, which was most of `exec_latency_p99_ms`. Commits still reach the WAL before they are
 * acknowledged; only the copy into the database file moved.
 *
 * @example const cp = startCheckpointer('/data/squall.db'); ...; await cp.stop();
 */
export function startCheckpointer(path: string): { stop(): Promise<void> } {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, driver, everyMs: EVERY_MS } });
  worker.unref();
  // A checkpointer that cannot start leaves the fallback threshold to do its work.
  worker.on('error', () => {});
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      // Held until it has closed its connection: the caller's process may have nothing else to wait for.
      worker.ref();
      worker.postMessage('stop');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 2000)))]);
      clearTimeout(timer);
      await worker.terminate();
    },
  };
}
